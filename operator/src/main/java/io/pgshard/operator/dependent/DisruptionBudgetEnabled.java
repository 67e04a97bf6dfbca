package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;

/**
 * Precondition of the PodDisruptionBudget (either version): while it does not hold, JOSDK deletes
 * it.
 */
public class DisruptionBudgetEnabled implements Condition<HasMetadata, PostgresShard> {
  @Override
  public boolean isMet(
      DependentResource<HasMetadata, PostgresShard> dependent,
      PostgresShard shard,
      Context<PostgresShard> context) {
    return shard.getSpec().getPodDisruptionBudget().isEnabled();
  }
}
