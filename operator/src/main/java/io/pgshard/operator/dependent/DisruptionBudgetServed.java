package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;

/**
 * Activation conditions of the two PodDisruptionBudget dependents: exactly one holds, the one whose
 * API version the server serves. JOSDK registers a dependent's informer only once its activation
 * condition holds, so an unserved version is never listed or watched.
 */
public final class DisruptionBudgetServed {

  private DisruptionBudgetServed() {}

  /** {@code policy/v1} is served (Kubernetes 1.21 and later). */
  public static class V1 implements Condition<HasMetadata, PostgresShard> {
    @Override
    public boolean isMet(
        DependentResource<HasMetadata, PostgresShard> dependent,
        PostgresShard shard,
        Context<PostgresShard> context) {
      return Capabilities.of(context).policyV1();
    }
  }

  /** Only {@code policy/v1beta1} is served (Kubernetes before 1.21). */
  public static class V1beta1 implements Condition<HasMetadata, PostgresShard> {
    @Override
    public boolean isMet(
        DependentResource<HasMetadata, PostgresShard> dependent,
        PostgresShard shard,
        Context<PostgresShard> context) {
      return !Capabilities.of(context).policyV1();
    }
  }
}
