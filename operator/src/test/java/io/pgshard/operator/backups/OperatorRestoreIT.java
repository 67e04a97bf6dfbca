package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.BootstrapSpec;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.RestorePointRecord;
import io.pgshard.operator.api.v1alpha1.ShardRestorePoint;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalOperatorShard;
import io.pgshard.operator.testing.S3Server;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new cluster restored from another cluster's backups to one of its restore points: the real
 * operator (mock API server) and instances as processes; the source's base backup, archive and
 * restore point made by the operator too (the point asked for by annotation while a client writes
 * through the real PgBouncer); Barman Cloud against s3rver. The source is gone when the new cluster
 * starts (a restore is what you do when it is), and nothing under its prefix changes.
 */
class OperatorRestoreIT {

  static final Duration TIMEOUT = Duration.ofMinutes(4);
  static final String SHARD = LocalOperatorShard.SHARD;
  static final String SOURCE_PREFIX = "it/" + LocalOperatorShard.CLUSTER + "/";

  S3Server s3;
  LocalOperatorShard s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aNewClusterComesBackWithExactlyTheRowsWrittenBeforeTheRestorePoint() throws Exception {
    s3 = S3Server.start(BackupScriptsIT.BUCKET);
    Map<String, Map<String, String>> secrets =
        Map.of(BackupScriptsIT.SECRET, BackupScriptsIT.s3rverCredentials());
    s =
        LocalOperatorShard.start(
            2, c -> c.getSpec().setBackup(BackupScriptsIT.backup(s3.endpoint())), secrets);
    String pooler = s.kubelet().startPooler();
    try {
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(s.shard().getStatus().getBackup().getLastCompleted()).isNotNull());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("=== instance 0\n" + s.local().pod(0).log());
      System.out.println("=== instance 1\n" + s.local().pod(1).log());
      for (int i = 0; i < 2; i++) {
        try (Connection db = s.local().superuser(i, "postgres");
            Statement st = db.createStatement();
            var rs =
                st.executeQuery(
                    "SELECT (SELECT string_agg(f, ' ' ORDER BY f) FROM pg_ls_dir('pg_wal') f),"
                        + " (SELECT string_agg(f, ' ' ORDER BY f) FROM"
                        + " pg_ls_dir('pg_wal/archive_status') f),"
                        + " (SELECT row(s.*)::text FROM pg_stat_archiver s),"
                        + " pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn(),"
                        + " pg_current_wal_lsn())")) {
          rs.next();
          System.out.println(
              "=== wal of "
                  + i
                  + ": "
                  + rs.getString(1)
                  + "\n status: "
                  + rs.getString(2)
                  + "\n archiver: "
                  + rs.getString(3)
                  + "\n recovery "
                  + rs.getString(4)
                  + " at "
                  + rs.getString(5));
        }
      }
      throw e;
    }
    try (Connection db = s.local().superuser(0, "app");
        Statement st = db.createStatement()) {
      st.execute("CREATE TABLE rows_before_and_after (id int PRIMARY KEY)");
      st.execute("INSERT INTO rows_before_and_after SELECT generate_series(1, 100)");
    }
    // the point is asked for while a client writes through the shard's real PgBouncer
    try (Writer writer =
        Writer.start(
            pooler, s.local().secret(LocalOperatorShard.CLUSTER + "-app").get("password"))) {
      writer.awaitAcknowledged(100, TIMEOUT);
      request("before-the-mistake");
      await().atMost(TIMEOUT).until(() -> !points(s.cluster()).isEmpty());
      writer.awaitAcknowledged(writer.acknowledged().size() + 100L, TIMEOUT);
      writer.close();
      assertThat(writer.errors()).as("errors seen through the paused pooler").isEmpty();
    }
    RestorePointRecord point = points(s.cluster()).get(0);
    assertThat(point.getError()).isNull();
    assertThat(point.getName()).isEqualTo("before-the-mistake");
    assertThat(point.getReason()).contains(Labels.RESTORE_POINT);
    assertThat(point.getPauseMillis()).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(point.getShards()).hasSize(1);
    ShardRestorePoint onShard = point.getShards().get(0);
    assertThat(onShard.getShard()).isEqualTo(SHARD);
    assertThat(onShard.getInstance()).isEqualTo(SHARD + "-0");
    Condition created =
        Conditions.find(
                s.cluster().getStatus().getConditions(), Conditions.LAST_RESTORE_POINT_SUCCEEDED)
            .orElseThrow();
    assertThat(created.getStatus()).isEqualTo("True");
    assertThat(s.eventReasons()).contains("RestorePointCreated");
    try (Connection db = s.local().superuser(0, "app");
        Statement st = db.createStatement()) {
      st.execute("INSERT INTO rows_before_and_after SELECT generate_series(101, 200)");
    }
    // the segment holding the point was switched and archived; its name starts with the timeline
    String segment = segmentOf(onShard.getLsn());
    assertThat(onShard.getTimeline()).isEqualTo(Integer.parseInt(segment.substring(0, 8), 16));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                s3.keys(BackupScriptsIT.BUCKET, SOURCE_PREFIX + SHARD + "/wals/").stream()
                    .anyMatch(k -> k.contains(segment)));

    // the annotation stays (the user owns it): a name is written once; an invalid one is refused
    request("not a name!");
    await().atMost(TIMEOUT).until(() -> points(s.cluster()).size() == 2);
    RestorePointRecord refused = points(s.cluster()).get(0);
    assertThat(refused.getError()).contains("is not a restore point name");
    assertThat(refused.getShards()).isEmpty();
    Condition failed =
        Conditions.find(
                s.cluster().getStatus().getConditions(), Conditions.LAST_RESTORE_POINT_SUCCEEDED)
            .orElseThrow();
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo("RestorePointFailed");
    assertThat(s.eventReasons()).contains("RestorePointFailed");
    assertThat(points(s.cluster()))
        .extracting(RestorePointRecord::getName)
        .containsOnlyOnce("before-the-mistake");
    s.close();
    s = null;
    List<String> sourceKeys = s3.keys(BackupScriptsIT.BUCKET, SOURCE_PREFIX);

    s =
        LocalOperatorShard.start(
            1,
            c -> {
              BackupSpec own = BackupScriptsIT.backup(s3.endpoint());
              own.getS3().setPath("it-restored");
              c.getSpec().setBackup(own);
              FromBackupSpec from = new FromBackupSpec();
              from.setCluster(LocalOperatorShard.CLUSTER);
              from.setS3(BackupScriptsIT.backup(s3.endpoint()).getS3());
              from.setRestorePoint("before-the-mistake");
              BootstrapSpec bootstrap = new BootstrapSpec();
              bootstrap.setFromBackup(from);
              c.getSpec().setBootstrap(bootstrap);
            },
            secrets);
    try {
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(s.role(0)).isEqualTo("primary"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("=== restored instance 0\n" + s.local().pod(0).log());
      throw e;
    }
    try {
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                try (Connection db = s.local().superuser(0, "app");
                    Statement st = db.createStatement();
                    var rs =
                        st.executeQuery(
                            "SELECT count(*), min(id), max(id) FROM rows_before_and_after")) {
                  rs.next();
                  assertThat(rs.getInt(1)).as("rows").isEqualTo(100);
                  assertThat(rs.getInt(2)).isEqualTo(1);
                  assertThat(rs.getInt(3)).isEqualTo(100);
                }
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      System.out.println("=== restored instance 0\n" + s.local().pod(0).log());
      throw e;
    }
    // the logins are the new cluster's (its Secrets), not the source's
    try (Connection db =
        s.local()
            .connect(
                s.local().ip(0),
                s.local().secret(LocalOperatorShard.CLUSTER + "-app").get("username"),
                s.local().secret(LocalOperatorShard.CLUSTER + "-app").get("password"),
                "app")) {
      assertThat(db.isValid(5)).isTrue();
    }
    assertThat(s3.keys(BackupScriptsIT.BUCKET, SOURCE_PREFIX))
        .as("nothing under the source's prefix changed")
        .containsExactlyInAnyOrderElementsOf(sourceKeys);
  }

  void request(String name) {
    s.editCluster(
        c -> {
          Map<String, String> annotations =
              new HashMap<>(
                  c.getMetadata().getAnnotations() == null
                      ? Map.of()
                      : c.getMetadata().getAnnotations());
          annotations.put(Labels.RESTORE_POINT, name);
          c.getMetadata().setAnnotations(annotations);
          return c;
        });
  }

  String segmentOf(String lsn) throws SQLException {
    try (Connection db = s.local().superuser(0, "postgres");
        var st = db.prepareStatement("SELECT pg_walfile_name(?::pg_lsn)")) {
      st.setString(1, lsn);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static List<RestorePointRecord> points(ShardedCluster c) {
    return c.getStatus() == null || c.getStatus().getBackup() == null
        ? List.of()
        : c.getStatus().getBackup().getRestorePoints();
  }
}
