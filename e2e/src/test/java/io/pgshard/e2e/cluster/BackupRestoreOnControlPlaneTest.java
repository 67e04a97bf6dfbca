package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.pgshard.e2e.backups.BackupRun;
import io.pgshard.e2e.backups.BackupRun.Target;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.RestorePointRecord;
import io.pgshard.operator.testing.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backups and restores on the real control plane with the chart's operator (server-side apply,
 * leader election, its RBAC): a 2-shard cluster with backups to s3rver takes its first base backups
 * from standbys and one more on request; a cross-shard restore point is made while a client writes
 * through every shard's pooler; new clusters restored to that point and to a time have, shard by
 * shard, exactly the rows written before it; a restore into fewer shards and one to a time before
 * the first backup are refused with the restore's own words in the Restored condition and an event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreOnControlPlaneTest {

  static final String NS = "backups";
  static final int SHARDS = 2;

  @RegisterExtension final OnControlPlane on = new OnControlPlane();
  private ControlPlaneCluster cluster;
  private BackupRun run;
  private Instant between;

  @BeforeAll
  void applyClusterWithBackups() {
    cluster = on.start(Map.of());
    on.orReport(() -> run = BackupRun.start(cluster, NS, "orders", SHARDS, 1));
  }

  @AfterAll
  void stop() {
    if (run != null) {
      run.close();
    }
    on.close();
  }

  @Test
  @Order(1)
  void everyShardTakesItsFirstBaseBackupFromAStandbyAndAnotherOnRequest() throws Exception {
    run.awaitReadyAndBackedUp();
    for (PostgresShard shard : run.source().shards()) {
      BaseBackupRecord first = shard.getStatus().getBackup().getLastCompleted();
      assertThat(first.getName()).startsWith("first-");
      assertThat(first.getInstance()).isEqualTo(shard.getMetadata().getName() + "-1");
    }
    run.write("before-backup", 1, 100, 0);
    Map<String, BaseBackupRecord> requested =
        run.backupNow("e2e-" + Instant.now().getEpochSecond());
    assertThat(requested).hasSize(SHARDS);
    requested.forEach(
        (shard, b) -> {
          assertThat(b.getInstance()).isEqualTo(shard + "-1");
          assertThat(b.getReason()).startsWith("requested");
          assertThat(b.getError()).isNull();
        });
    for (PostgresShard shard : run.source().shards()) {
      assertThat(shard.getStatus().getBackup().getCompletedBackups()).isEqualTo(2);
    }
  }

  @Test
  @Order(2)
  void aRestorePointPausesEveryShardTogetherWithoutClientErrors() throws Exception {
    run.write("before-point", 101, 100, 0);
    between = Instant.now();
    List<Writer> writers = run.writers();
    RestorePointRecord point;
    try {
      writers.forEach(w -> w.awaitAcknowledged(50, BackupRun.WRITE));
      point = run.restorePoint("before-the-mistake");
      writers.forEach(w -> w.awaitAcknowledged(w.acknowledged().size() + 50L, BackupRun.WRITE));
    } finally {
      writers.forEach(Writer::close);
    }
    writers.forEach(w -> assertThat(w.errors()).as("errors through the paused poolers").isEmpty());
    assertThat(point.getError()).isNull();
    assertThat(point.getShards()).hasSize(SHARDS);
    assertThat(point.getPauseMillis()).isNotNull();
    run.write("after-point", 201, 100, 0);
  }

  @Test
  @Order(3)
  void newClustersRestoredToThePointAndToATimeHaveExactlyTheRowsBeforeIt() throws Exception {
    ClusterView atPoint = run.restore("at-point", SHARDS, 0, Target.point("before-the-mistake"));
    ClusterView atTime = run.restore("at-time", SHARDS, 0, Target.time(between));
    for (ClusterView restored : List.of(atPoint, atTime)) {
      Map<String, Condition> conditions =
          BackupRun.awaitRestored(restored, SHARDS, c -> "True".equals(c.getStatus()));
      assertThat(conditions.values())
          .allSatisfy(c -> assertThat(c.getReason()).isEqualTo("Completed"));
      restored.awaitReady(SHARDS, BackupRun.CONVERGE);
    }
    for (int i = 0; i < SHARDS; i++) {
      String shard = atPoint.shard(i).getMetadata().getName();
      assertThat(BackupRun.phases(atPoint, shard))
          .as("rows restored to the point on shard %d", i)
          .containsExactly(Map.entry("before-backup", 100L), Map.entry("before-point", 100L));
      long[] acks = BackupRun.acks(atPoint, shard);
      assertThat(acks[0]).as("acknowledged writes form a prefix on shard %d", i).isEqualTo(acks[1]);
      assertThat(acks[0]).isGreaterThanOrEqualTo(50);
      assertThat(run.restoreLog(shard + "-0")).contains("fetched").contains("recovered to");

      String timed = atTime.shard(i).getMetadata().getName();
      assertThat(BackupRun.phases(atTime, timed))
          .as("rows restored to %s on shard %d", between, i)
          .containsExactly(Map.entry("before-backup", 100L), Map.entry("before-point", 100L));
    }
    // each restored cluster archives under its own name: nothing new under another's
    assertThat(run.s3().keys(BackupRun.BUCKET, BackupRun.PATH + "/"))
        .allSatisfy(k -> assertThat(k).matches(BackupRun.PATH + "/(orders|at-point|at-time)/.*"));
    // left running: deleting them would wait out each primary's preStop hook for nothing (the
    // deletion of a cluster is MinimalClusterOnControlPlaneTest's), and the teardown stops them
  }

  @Test
  @Order(4)
  void aRestoreIntoFewerShardsOrBeforeTheFirstBackupIsRefusedInTheRestoreOwnWords() {
    ClusterView fewer = run.restore("fewer", 1, 0, Target.point("before-the-mistake"));
    ClusterView early =
        run.restore(
            "early",
            SHARDS,
            0,
            Target.time(
                Instant.parse(run.source().cluster().getMetadata().getCreationTimestamp())
                    .minusSeconds(3600)));
    Condition refused =
        BackupRun.awaitRestored(fewer, 1, c -> "False".equals(c.getStatus()))
            .values()
            .iterator()
            .next();
    assertThat(refused.getReason()).isEqualTo("RestoreFailed");
    assertThat(refused.getMessage()).contains("had more shards than this cluster");
    Map<String, Condition> tooEarly =
        BackupRun.awaitRestored(early, SHARDS, c -> "False".equals(c.getStatus()));
    assertThat(tooEarly.values())
        .allSatisfy(c -> assertThat(c.getMessage()).contains("earlier than the first backup"));
    List<Event> events = cluster.client().v1().events().inNamespace(NS).list().getItems();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("RestoreFailed");
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getInvolvedObject().getName()).startsWith("fewer-");
            });
    // nothing was restored or archived for them
    assertThat(run.s3().keys(BackupRun.BUCKET, BackupRun.PATH + "/fewer/")).isEmpty();
    assertThat(run.s3().keys(BackupRun.BUCKET, BackupRun.PATH + "/early/")).isEmpty();
  }
}
