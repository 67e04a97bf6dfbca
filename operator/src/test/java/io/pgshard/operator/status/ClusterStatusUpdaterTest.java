package io.pgshard.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterStatus;
import io.pgshard.operator.testing.TestClusters;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStatusUpdaterTest {

  ClusterStatusUpdater updater =
      new ClusterStatusUpdater(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));
  ShardedCluster cluster = TestClusters.cluster(2, s -> {});

  static PostgresShard shard(int index, String phase, boolean ready, boolean upToDate) {
    PostgresShard shard = TestClusters.shard(index);
    PostgresShardStatus status = new PostgresShardStatus();
    status.setObservedGeneration(upToDate ? 1L : 0L);
    status.setPhase(phase);
    status.setCurrentPrimary(ready ? shard.getMetadata().getName() + "-0" : null);
    status.setReadyInstances(ready ? 2 : 0);
    status.setConditions(
        new Conditions(null, 1, Instant.EPOCH)
            .set("Ready", ready, ready ? "AllReady" : "AwaitingPrimary", "m")
            .set("PoolerReady", ready, ready ? "AllReady" : "PoolerNotReady", "m")
            .build());
    shard.setStatus(status);
    return shard;
  }

  @Test
  void isReadyOnlyWhenEveryShardIsReadyAtItsCurrentGeneration() {
    ShardedClusterStatus status =
        updater.update(
            cluster,
            List.of(shard(1, "Ready", true, true), shard(0, "Ready", true, true)),
            List.of());
    assertThat(status.getPhase()).isEqualTo("Ready");
    assertThat(status.getReadyShards()).isEqualTo("2/2");
    assertThat(Conditions.isTrue(status.getConditions(), "Ready")).isTrue();
    assertThat(Conditions.isTrue(status.getConditions(), "PoolerReady")).isTrue();
    assertThat(status.getShards())
        .extracting(s -> s.getName())
        .containsExactly("orders-shard-0", "orders-shard-1");
    assertThat(status.getShards().get(1).getHashRange())
        .containsExactly("8000000000000000", "10000000000000000");
    assertThat(status.getShardMap()).isEqualTo("orders-shard-map");

    ShardedClusterStatus stale =
        updater.update(
            cluster,
            List.of(shard(0, "Ready", true, true), shard(1, "Ready", true, false)),
            List.of());
    assertThat(Conditions.isTrue(stale.getConditions(), "Ready"))
        .as("shard 1 has not applied its spec")
        .isFalse();
    assertThat(Conditions.isTrue(stale.getConditions(), "Progressing")).isTrue();
  }

  @Test
  void namesTheShardsThatAreNotReadyAndWhy() {
    ShardedClusterStatus status =
        updater.update(
            cluster,
            List.of(shard(0, "Ready", true, true), shard(1, "Creating", false, true)),
            List.of());
    assertThat(status.getPhase()).isEqualTo("Creating");
    assertThat(Conditions.find(status.getConditions(), "Ready").orElseThrow().getMessage())
        .contains("1 of 2 shards ready")
        .contains("orders-shard-1 (AwaitingPrimary)");
  }

  @Test
  void aDegradedShardDegradesTheCluster() {
    ShardedClusterStatus status =
        updater.update(
            cluster,
            List.of(shard(0, "Ready", true, true), shard(1, "Degraded", false, true)),
            List.of());
    assertThat(status.getPhase()).isEqualTo("Degraded");
    assertThat(Conditions.isTrue(status.getConditions(), "Degraded")).isTrue();
  }

  @Test
  void aRefusedSpecIsReportedAsInvalidSpecWhateverTheShardsSay() {
    ShardedClusterStatus status =
        updater.update(
            cluster,
            List.of(shard(0, "Ready", true, true), shard(1, "Ready", true, true)),
            List.of("spec.shards: lowering is refused"));
    var ready = Conditions.find(status.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.shards");
  }

  static PostgresShard withPartitions(PostgresShard shard, String status, String reason) {
    shard
        .getStatus()
        .setConditions(
            new Conditions(shard.getStatus().getConditions(), 1, Instant.EPOCH)
                .carry("Ready")
                .carry("PoolerReady")
                .set("PartitionsReady", status, reason, "events: " + reason)
                .build());
    return shard;
  }

  @Test
  void partitionsReadySumsUpTheShardsAndNamesTheOnesThatFail() {
    assertThat(
            Conditions.reason(
                updater.update(cluster, List.of(), List.of()).getConditions(), "PartitionsReady"))
        .isEqualTo("NoPartitions");
    PartitionSpec events = new PartitionSpec();
    events.setTable("public.events");
    events.setColumn("created_at");
    ShardedCluster partitioned = TestClusters.cluster(2, s -> s.getPartitions().add(events));

    var pending =
        Conditions.find(
                updater
                    .update(
                        partitioned,
                        List.of(
                            withPartitions(shard(0, "Ready", true, true), "True", "Maintained"),
                            withPartitions(shard(1, "Ready", true, true), "Unknown", "Pending")),
                        List.of())
                    .getConditions(),
                "PartitionsReady")
            .orElseThrow();
    assertThat(pending.getStatus()).isEqualTo("Unknown");
    assertThat(pending.getMessage()).contains("orders-shard-1");

    var failing =
        Conditions.find(
                updater
                    .update(
                        partitioned,
                        List.of(
                            withPartitions(shard(0, "Ready", true, true), "True", "Maintained"),
                            withPartitions(
                                shard(1, "Ready", true, true), "False", "TableNotFound")),
                        List.of())
                    .getConditions(),
                "PartitionsReady")
            .orElseThrow();
    assertThat(failing.getStatus()).isEqualTo("False");
    assertThat(failing.getReason()).isEqualTo("TableNotFound");
    assertThat(failing.getMessage()).isEqualTo("orders-shard-1: events: TableNotFound");

    assertThat(
            Conditions.isTrue(
                updater
                    .update(
                        partitioned,
                        List.of(
                            withPartitions(shard(0, "Ready", true, true), "True", "Maintained"),
                            withPartitions(shard(1, "Ready", true, true), "True", "Maintained")),
                        List.of())
                    .getConditions(),
                "PartitionsReady"))
        .isTrue();
  }

  @Test
  void aClusterBeingDeletedSaysSo() {
    cluster.getMetadata().setDeletionTimestamp("2026-11-21T10:00:00Z");
    assertThat(updater.update(cluster, List.of(), List.of()).getPhase()).isEqualTo("Deleting");
  }

  @Test
  void summarizesEveryShardsBackupsAndArchivingNamingTheFailingShards() {
    ShardedCluster withBackups =
        TestClusters.cluster(
            2, c -> c.setBackup(new io.pgshard.operator.api.v1alpha1.BackupSpec()));
    PostgresShard ok = shard(0, "Ready", true, true);
    PostgresShard failing = shard(1, "Ready", true, true);
    ok.getStatus()
        .setConditions(
            Conditions.with(
                Conditions.with(
                    ok.getStatus().getConditions(),
                    1,
                    Instant.EPOCH,
                    Conditions.LAST_BACKUP_SUCCEEDED,
                    true,
                    "Completed",
                    "done"),
                1,
                Instant.EPOCH,
                Conditions.WAL_ARCHIVING,
                true,
                "Archiving",
                "keeps up"));
    failing
        .getStatus()
        .setConditions(
            Conditions.with(
                failing.getStatus().getConditions(),
                1,
                Instant.EPOCH,
                Conditions.WAL_ARCHIVING,
                false,
                "ArchiveFailing",
                "WAL archiving fails: 403"));
    ShardedClusterStatus status = updater.update(withBackups, List.of(ok, failing), List.of());
    var archiving = Conditions.find(status.getConditions(), Conditions.WAL_ARCHIVING).orElseThrow();
    assertThat(archiving.getStatus()).isEqualTo("False");
    assertThat(archiving.getReason()).isEqualTo("ArchiveFailing");
    assertThat(archiving.getMessage())
        .isEqualTo("orders-shard-1: WAL archiving fails: 403")
        .doesNotContain("orders-shard-0");
    var backups =
        Conditions.find(status.getConditions(), Conditions.LAST_BACKUP_SUCCEEDED).orElseThrow();
    assertThat(backups.getStatus()).as("shard 1 has no backup yet").isEqualTo("Unknown");
    assertThat(backups.getMessage()).contains("orders-shard-1");

    ShardedClusterStatus without = updater.update(cluster, List.of(ok, failing), List.of());
    assertThat(Conditions.find(without.getConditions(), Conditions.WAL_ARCHIVING))
        .as("no backups configured")
        .isEmpty();
  }
}
