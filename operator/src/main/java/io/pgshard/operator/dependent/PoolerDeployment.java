package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.PoolerDeploymentModel;

/** The shard's PgBouncer Deployment (only while spec.pooler.enabled). */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class PoolerDeployment extends CRUDKubernetesDependentResource<Deployment, PostgresShard> {

  public PoolerDeployment() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(PostgresShard shard, Context<PostgresShard> context) {
    return PoolerDeploymentModel.desired(shard, PoolerConfigMap.build(shard));
  }
}
