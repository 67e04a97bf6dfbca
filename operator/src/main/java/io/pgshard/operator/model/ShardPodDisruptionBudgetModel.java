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

  /** The same budget as {@code policy/v1beta1}, for servers before Kubernetes 1.21. */
  public static io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget desiredV1beta1(
      PostgresShard shard) {
    PodDisruptionBudget v1 = desired(shard);
    return new io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder()
        .withMetadata(v1.getMetadata())
        .withNewSpec()
        .withMaxUnavailable(v1.getSpec().getMaxUnavailable())
        .withSelector(v1.getSpec().getSelector())
        .endSpec()
        .build();
  }
}
