package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.api.v1alpha1.WalArchiveStatus;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.LocalOperatorShard;
import io.pgshard.operator.testing.S3Server;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator takes a shard's base backups: the real operator (mock API server, instance monitor
 * on), instances as PostgreSQL processes from the generated pod spec, Barman Cloud against s3rver.
 */
class OperatorBackupIT {

  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final String SHARD = LocalOperatorShard.SHARD;
  static final String WALS = "it/" + LocalOperatorShard.CLUSTER + "/" + SHARD + "/wals/";

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

  LocalOperatorShard shardWithBackups(
      int instances, Map<String, String> credentials, Consumer<BackupSpec> customize) {
    s3 = S3Server.start(BackupScriptsIT.BUCKET);
    BackupSpec backup = BackupScriptsIT.backup(s3.endpoint());
    customize.accept(backup);
    return LocalOperatorShard.start(
        instances, c -> c.getSpec().setBackup(backup), Map.of(BackupScriptsIT.SECRET, credentials));
  }

  @Test
  void theFirstBaseBackupComesFromTheStandbyThenAFailoverWhileArchivingIsBehindLosesNoSegment()
      throws Exception {
    s = shardWithBackups(2, BackupScriptsIT.s3rverCredentials(), b -> {});
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(s.shard().getStatus().getBackup().getLastCompleted()).isNotNull());
    ShardBackupStatus backup = s.shard().getStatus().getBackup();
    BaseBackupRecord done = backup.getLastCompleted();
    assertThat(done.getInstance()).as("a standby carries the backup").isEqualTo(SHARD + "-1");
    assertThat(done.getName()).startsWith("first-");
    assertThat(done.getReason()).isEqualTo("first backup");
    assertThat(done.getError()).isNull();
    assertThat(done.getFinishedAt()).isNotNull();
    assertThat(backup.getRunning()).isNull();
    assertThat(backup.getLastFailed()).isNull();
    assertThat(backup.getLastScheduledSlot()).isNotNull();
    Condition succeeded =
        Conditions.find(s.shard().getStatus().getConditions(), Conditions.LAST_BACKUP_SUCCEEDED)
            .orElseThrow();
    assertThat(succeeded.getStatus()).isEqualTo("True");
    assertThat(succeeded.getMessage()).contains(done.getName());
    assertThat(s.eventReasons()).contains("BackupStarted", "BackupCompleted");
    assertThat(s3.keys(BackupScriptsIT.BUCKET, "it/minimal/" + SHARD + "/base/"))
        .as("the backup is in the bucket")
        .anyMatch(k -> k.endsWith("/backup.info"));

    // retention ran after it (count 7: nothing to delete) and reports the recoverable window
    assertThat(backup.getCompletedBackups()).isEqualTo(1);
    assertThat(Instant.parse(backup.getFirstRecoverablePoint()))
        .isAfterOrEqualTo(Instant.parse(done.getStartedAt()).minusSeconds(1));

    // the primary's archiver, read back into status and the condition
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var archive = s.shard().getStatus().getBackup().getArchive();
              assertThat(archive.getInstance()).isEqualTo(SHARD + "-0");
              assertThat(archive.getLastArchivedWal()).isNotNull();
              assertThat(archive.getLastError()).isNull();
              assertThat(archive.getLagBytes()).isNotNull().isGreaterThanOrEqualTo(0);
              assertThat(
                      Conditions.isTrue(
                          s.shard().getStatus().getConditions(), Conditions.WAL_ARCHIVING))
                  .isTrue();
            });

    // then the primary's archiving falls behind and it fails: no segment is lost
    aFailoverWhileThePrimaryArchivesNothingLosesNoSegment();
  }

  /**
   * The primary's archiver is stopped (SIGSTOP: an archive_command that hangs), segments pile up on
   * it, and status and the metrics say so; the standby (archive_mode = always) archives what it
   * received; the primary dies (kill -9); the promoted standby archives its timeline's history file
   * and goes on archiving on the new timeline, with no gap on the old one.
   */
  private void aFailoverWhileThePrimaryArchivesNothingLosesNoSegment() throws Exception {
    // the primary's archiver hangs; three segments are completed behind it
    String archiver;
    List<String> behind = new ArrayList<>();
    try (Connection db = s.local().superuser(0, "postgres");
        Statement st = db.createStatement()) {
      archiver =
          Jdbc.single(st, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'archiver'");
      signal("STOP", archiver);
      st.execute("CREATE TABLE filler (id int, pad text)");
      for (int i = 0; i < 3; i++) {
        st.execute("INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        behind.add(Jdbc.single(st, "SELECT pg_walfile_name(pg_switch_wal())"));
      }
    }
    // the standby archives them all the same
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              List<String> keys = s3.keys(BackupScriptsIT.BUCKET, WALS);
              return behind.stream().allMatch(w -> keys.stream().anyMatch(k -> k.contains(w)));
            });
    // status and metrics show what waits on the primary
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              WalArchiveStatus archive = s.shard().getStatus().getBackup().getArchive();
              assertThat(archive.getInstance()).isEqualTo(SHARD + "-0");
              assertThat(archive.getPendingSegments()).isGreaterThanOrEqualTo(3);
              assertThat(archive.getLagBytes()).isGreaterThanOrEqualTo(3L * 16 * 1048576);
              assertThat(s.metrics())
                  .containsPattern(
                      "pgshard_wal_archive_pending_segments\\{cluster=\"minimal\",shard=\""
                          + SHARD
                          + "\"} [3-9]");
            });
    assertThat(s.metrics())
        .containsPattern("pgshard_backup_last_completed_age_seconds\\{[^}]*} [0-9]")
        .containsPattern("pgshard_backup_recoverable_window_seconds\\{[^}]*} [0-9]");

    // the primary dies with its archiver still stopped
    String oldTimeline = behind.get(0).substring(0, 8);
    String newTimeline = String.format("%08X", Integer.parseInt(oldTimeline, 16) + 1);
    s.kubelet().crash(0);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(s.role(1)).isEqualTo("primary"));
    String onNewTimeline;
    try (Connection db = s.local().superuser(1, "postgres");
        Statement st = db.createStatement()) {
      st.execute("INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
      onNewTimeline = Jdbc.single(st, "SELECT pg_walfile_name(pg_switch_wal())");
    }
    assertThat(onNewTimeline).startsWith(newTimeline);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              List<String> keys = s3.keys(BackupScriptsIT.BUCKET, WALS);
              return keys.stream().anyMatch(k -> k.contains(newTimeline + ".history"))
                  && keys.stream().anyMatch(k -> k.contains(onNewTimeline));
            });
    // and every segment of the old timeline up to the switch is there: no gap
    List<String> keys = s3.keys(BackupScriptsIT.BUCKET, WALS);
    long first =
        segment(
            keys.stream()
                .filter(k -> k.contains("/" + oldTimeline))
                .filter(k -> name(k).matches("[0-9A-F]{24}"))
                .map(OperatorBackupIT::name)
                .min(String::compareTo)
                .orElseThrow());
    long last = segment(behind.get(behind.size() - 1));
    for (long n = first; n <= last; n++) {
      String wanted = String.format("%s%08X%08X", oldTimeline, n / 256, n % 256);
      assertThat(keys).as("segment %s archived", wanted).anyMatch(k -> k.contains(wanted));
    }
  }

  private static String name(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return file.length() >= 24 ? file.substring(0, 24) : file;
  }

  /** The segment number within the timeline (16 MB segments: log * 256 + seg). */
  private static long segment(String wal) {
    return Long.parseLong(wal.substring(8, 16), 16) * 256
        + Long.parseLong(wal.substring(16, 24), 16);
  }

  private static void signal(String signal, String pid) throws Exception {
    new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor();
  }

  @Test
  void aBackupTheStorageRefusesIsAFailedConditionWithTheToolsError() throws Exception {
    s =
        shardWithBackups(
            1,
            Map.of("ACCESS_KEY_ID", "NOT-THE-KEY", "SECRET_ACCESS_KEY", "NOT-THE-SECRET"),
            b -> {});
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(s.shard().getStatus().getBackup().getLastFailed()).isNotNull());
    BaseBackupRecord failed = s.shard().getStatus().getBackup().getLastFailed();
    assertThat(failed.getError()).isNotBlank();
    Condition succeeded =
        Conditions.find(s.shard().getStatus().getConditions(), Conditions.LAST_BACKUP_SUCCEEDED)
            .orElseThrow();
    assertThat(succeeded.getStatus()).isEqualTo("False");
    assertThat(succeeded.getReason()).isEqualTo("BackupFailed");
    assertThat(succeeded.getMessage()).contains(failed.getError());
    assertThat(s.eventReasons()).contains("BackupFailed");
    assertThat(s.shard().getStatus().getBackup().getLastCompleted()).isNull();
    assertThat(s.shard().getStatus().getBackup().getFailuresInARow()).isEqualTo(1);
    // archiving fails too, in Barman Cloud's words, and says so (once a segment is complete)
    try (var db = s.local().superuser(0, "postgres");
        var st = db.createStatement()) {
      st.execute("SELECT pg_switch_wal()");
    }
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Condition archiving =
                  Conditions.find(s.shard().getStatus().getConditions(), Conditions.WAL_ARCHIVING)
                      .orElseThrow();
              assertThat(archiving.getStatus()).isEqualTo("False");
              assertThat(archiving.getReason()).isEqualTo("ArchiveFailing");
              assertThat(s.shard().getStatus().getBackup().getArchive().getLastError())
                  .isNotBlank();
            });
    assertThat(s.eventReasons()).contains("ArchiveFailing");
    assertThat(s3.keys(BackupScriptsIT.BUCKET, "")).as("nothing written").isEmpty();
  }
}
