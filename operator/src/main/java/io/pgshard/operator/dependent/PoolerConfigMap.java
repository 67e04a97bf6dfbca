package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.PoolerConfigMapModel;

/** The pooler ConfigMap: pgbouncer.ini and pooler.sh (only while spec.pooler.enabled). */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.POOLER_OBJECTS_SELECTOR))
public class PoolerConfigMap extends CRUDKubernetesDependentResource<ConfigMap, PostgresShard> {

  public PoolerConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(PostgresShard shard, Context<PostgresShard> context) {
    return build(shard);
  }

  static ConfigMap build(PostgresShard shard) {
    return PoolerConfigMapModel.desired(shard, shard.getSpec().getSecrets().poolerAdminUser());
  }
}
