package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardPodDisruptionBudgetModel;

/**
 * The shard's PodDisruptionBudget as {@code policy/v1beta1}, for servers before 1.21 that do not
 * serve {@code policy/v1}; the same budget otherwise.
 */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ShardPodDisruptionBudgetV1beta1
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, PostgresShard> {

  public ShardPodDisruptionBudgetV1beta1() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(PostgresShard shard, Context<PostgresShard> context) {
    return ShardPodDisruptionBudgetModel.desiredV1beta1(shard);
  }
}
