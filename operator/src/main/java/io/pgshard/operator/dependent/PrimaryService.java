package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Services;

/** The rw Service: the pod labelled primary. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
public class PrimaryService extends CRUDKubernetesDependentResource<Service, PostgresShard> {

  public PrimaryService() {
    super(Service.class);
  }

  @Override
  protected Service desired(PostgresShard shard, Context<PostgresShard> context) {
    return Services.primary(shard);
  }
}
