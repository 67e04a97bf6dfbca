package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;

/** Precondition of the pooler objects: while it does not hold, JOSDK deletes them. */
public class PoolerEnabled implements Condition<HasMetadata, PostgresShard> {
  @Override
  public boolean isMet(
      DependentResource<HasMetadata, PostgresShard> dependent,
      PostgresShard shard,
      Context<PostgresShard> context) {
    return shard.getSpec().getPooler().isEnabled();
  }
}
