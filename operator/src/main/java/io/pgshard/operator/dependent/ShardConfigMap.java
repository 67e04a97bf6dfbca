package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ShardConfigMaps;

/** The config ConfigMap: postgresql.conf include, pg_hba.conf, run.sh. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
public class ShardConfigMap extends CRUDKubernetesDependentResource<ConfigMap, PostgresShard> {

  public ShardConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(PostgresShard shard, Context<PostgresShard> context) {
    return ShardConfigMaps.config(shard, shard.getSpec().getSecrets().getReplicationUser());
  }
}
