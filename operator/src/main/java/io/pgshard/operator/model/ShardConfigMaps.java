package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The ConfigMaps of a shard's PostgreSQL instances. */
public final class ShardConfigMaps {

  public static final String POSTGRESQL_CONF = "postgresql.conf";
  public static final String PG_HBA_CONF = "pg_hba.conf";
  public static final String INITIALIZED = "initialized";

  /** libpq options run.sh appends to a standby's {@code primary_conninfo}. */
  public static final String STANDBY_CONNINFO = "standby-conninfo";

  private ShardConfigMaps() {}

  /**
   * {@code <shard>-config}: the postgresql.conf include, pg_hba.conf and the instance script.
   * {@code replicationUser} comes from the replication Secret.
   */
  public static ConfigMap config(PostgresShard shard, String replicationUser) {
    ShardNaming n = ShardNaming.of(shard);
    Map<String, String> data = new TreeMap<>();
    data.put(POSTGRESQL_CONF, PostgresConfig.render(n.shard(), shard.getSpec()));
    data.put(
        PG_HBA_CONF,
        HbaConfig.render(replicationUser, shard.getSpec().getPostgres().getAllowedNetworks()));
    data.put(STANDBY_CONNINFO, PostgresConfig.standbyConnectionOptions(shard.getSpec()) + "\n");
    data.put(InstanceScripts.RUN, InstanceScripts.load(InstanceScripts.RUN));
    data.put(InstanceScripts.PRE_STOP, InstanceScripts.load(InstanceScripts.PRE_STOP));
    data.put(InstanceScripts.BACKUP, InstanceScripts.load(InstanceScripts.BACKUP));
    if (shard.getSpec().getBackup() != null) {
      data.put(BackupSettings.FILE, BackupSettings.render(shard.getSpec().getBackup(), n));
    }
    FromBackupSpec from = fromBackup(shard);
    S3StorageSpec source =
        from == null ? null : BackupSettings.restoreStorage(from, shard.getSpec().getBackup());
    if (source != null) {
      data.put(
          BackupSettings.RESTORE_FILE,
          BackupSettings.renderRestore(
              from, source, shard.getSpec().getIndex(), isLastShard(shard)));
    }
    return new ConfigMapBuilder()
        .withMetadata(
            Owned.meta(
                shard,
                ResourceNames.configMap(n.shard()),
                Labels.forShard(n.cluster(), n.shard(), Labels.Component.SHARD)))
        .withData(data)
        .build();
  }

  /**
   * {@code <shard>-state}: {@code initialized: "true"} once the shard has had a primary, so an
   * instance with an empty volume clones instead of running initdb a second time. Once set it is
   * never taken back.
   */
  public static ConfigMap state(PostgresShard shard, boolean initialized) {
    ShardNaming n = ShardNaming.of(shard);
    Map<String, String> data = new TreeMap<>();
    if (initialized) {
      data.put(INITIALIZED, "true");
    }
    return new ConfigMapBuilder()
        .withMetadata(
            Owned.meta(
                shard,
                ResourceNames.stateConfigMap(n.shard()),
                Labels.forShard(n.cluster(), n.shard(), Labels.Component.SHARD)))
        .withData(data)
        .build();
  }

  public static boolean isInitialized(ConfigMap state) {
    return state != null
        && state.getData() != null
        && "true".equals(state.getData().get(INITIALIZED));
  }

  /** spec.bootstrap.fromBackup, if the shard restores. */
  public static FromBackupSpec fromBackup(PostgresShard shard) {
    var bootstrap = shard.getSpec().getBootstrap();
    return bootstrap == null ? null : bootstrap.getFromBackup();
  }

  /** The shard whose hash range ends at 2^64 is the last one. */
  static boolean isLastShard(PostgresShard shard) {
    List<String> range = shard.getSpec().getHashRange();
    return range != null
        && range.size() == 2
        && range.get(1).equals(HashRanges.rangeOf(0, 1).endHex());
  }
}
