package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;

/** Precondition of the PodDisruptionBudget: while it does not hold, JOSDK deletes it. */
public class DisruptionBudgetEnabled implements Condition<PodDisruptionBudget, PostgresShard> {
  @Override
  public boolean isMet(
      DependentResource<PodDisruptionBudget, PostgresShard> dependent,
      PostgresShard shard,
      Context<PostgresShard> context) {
    return shard.getSpec().getPodDisruptionBudget().isEnabled();
  }
}
