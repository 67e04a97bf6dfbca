package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Services;

/** Headless Service with stable DNS for every instance. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
public class PodsService extends CRUDKubernetesDependentResource<Service, PostgresShard> {

  public PodsService() {
    super(Service.class);
  }

  @Override
  protected Service desired(PostgresShard shard, Context<PostgresShard> context) {
    return Services.pods(shard);
  }
}
