package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.Services;

/** The pooler Service (only while spec.pooler.enabled). */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.POOLER_OBJECTS_SELECTOR))
public class PoolerService extends CRUDKubernetesDependentResource<Service, PostgresShard> {

  public PoolerService() {
    super(Service.class);
  }

  @Override
  protected Service desired(PostgresShard shard, Context<PostgresShard> context) {
    return Services.pooler(shard);
  }
}
