package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardPodDisruptionBudgetModel;

/**
 * The shard's PodDisruptionBudget as {@code policy/v1} (only while spec.podDisruptionBudget.enabled
 * and the server serves that version: its informer is registered only then).
 */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ShardPodDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, PostgresShard> {

  public ShardPodDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(PostgresShard shard, Context<PostgresShard> context) {
    return ShardPodDisruptionBudgetModel.desired(shard);
  }
}
