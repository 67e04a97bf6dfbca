package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;

/** At most one of a shard's instances is voluntarily evicted at a time. */
public final class ShardPodDisruptionBudgetModel {

  private ShardPodDisruptionBudgetModel() {}

  public static PodDisruptionBudget desired(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return new PodDisruptionBudgetBuilder()
        .withMetadata(
            Owned.meta(
                shard,
                ResourceNames.podDisruptionBudget(n.shard()),
                Labels.forShard(n.cluster(), n.shard(), Labels.Component.SHARD)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.instanceSelector(n.cluster(), n.shard()))
        .endSelector()
        .endSpec()
        .build();
  }
}
