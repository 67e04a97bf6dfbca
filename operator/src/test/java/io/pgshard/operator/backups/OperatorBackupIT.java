package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalOperatorShard;
import io.pgshard.operator.testing.S3Server;
import java.time.Duration;
import java.time.Instant;
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
      Map<String, String> credentials, Consumer<BackupSpec> customize) {
    s3 = S3Server.start(BackupScriptsIT.BUCKET);
    BackupSpec backup = BackupScriptsIT.backup(s3.endpoint());
    customize.accept(backup);
    return LocalOperatorShard.start(
        2, c -> c.getSpec().setBackup(backup), Map.of(BackupScriptsIT.SECRET, credentials));
  }

  @Test
  void theFirstBaseBackupIsTakenFromTheStandbyAndRecordedAndRetentionRuns() {
    s = shardWithBackups(BackupScriptsIT.s3rverCredentials(), b -> {});
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
  }

  @Test
  void aBackupTheStorageRefusesIsAFailedConditionWithTheToolsError() {
    s =
        shardWithBackups(
            Map.of("ACCESS_KEY_ID", "NOT-THE-KEY", "SECRET_ACCESS_KEY", "NOT-THE-SECRET"), b -> {});
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
    assertThat(s3.keys(BackupScriptsIT.BUCKET, "")).as("nothing written").isEmpty();
  }
}
