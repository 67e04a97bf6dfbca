package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.Map;
import java.util.TreeMap;

/** {@code <shard>-pooler} ConfigMap: pgbouncer.ini and the pooler entrypoint. */
public final class PoolerConfigMapModel {

  public static final String PGBOUNCER_INI = "pgbouncer.ini";

  private PoolerConfigMapModel() {}

  /** {@code adminUser} (the pooler admin's name) may use PgBouncer's admin console. */
  public static ConfigMap desired(PostgresShard shard, String adminUser) {
    ShardNaming n = ShardNaming.of(shard);
    Map<String, String> data = new TreeMap<>();
    data.put(
        PGBOUNCER_INI,
        PgBouncerConfig.render(n.shard(), n.primaryHost(), adminUser, shard.getSpec().getPooler()));
    data.put(InstanceScripts.POOLER, InstanceScripts.load(InstanceScripts.POOLER));
    return new ConfigMapBuilder()
        .withMetadata(
            Owned.meta(
                shard,
                ResourceNames.pooler(n.shard()),
                Labels.forShard(n.cluster(), n.shard(), Labels.Component.POOLER)))
        .withData(data)
        .build();
  }
}
