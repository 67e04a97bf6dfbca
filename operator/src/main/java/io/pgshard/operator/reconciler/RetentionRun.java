package io.pgshard.operator.reconciler;

import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.backups.BackupRetention;
import io.pgshard.operator.backups.BackupRetention.StoredBackup;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.sql.BackupStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Retention after a completed base backup ({@link BackupStep}): the bucket's list read on the
 * instance that took it, what {@link BackupRetention} lets go deleted there, the outcome reported.
 */
final class RetentionRun {

  private RetentionRun() {}

  /** After a completed backup: the backups left, the ones deleted, or why retention failed. */
  record Retained(int completed, String firstRecoverable, List<String> deleted, String error) {}

  /**
   * Deletes what {@code retention} lets go, from the instance that just completed a backup (so a
   * shard whose backups fail keeps its old ones). A failure is reported, never fails the backup.
   */
  static Retained apply(Connection db, BackupRetention retention, Instant now) {
    List<String> deleted = new ArrayList<>();
    try {
      List<StoredBackup> stored = BackupStatements.list(db);
      for (StoredBackup expired : retention.expired(stored, now)) {
        BackupStatements.delete(db, expired.id());
        deleted.add(expired.id());
      }
      List<StoredBackup> kept =
          stored.stream().filter(b -> b.completed() && !deleted.contains(b.id())).toList();
      String first =
          kept.stream()
              .map(StoredBackup::ended)
              .filter(Objects::nonNull)
              .min(Comparator.naturalOrder())
              .map(Instant::toString)
              .orElse(null);
      return new Retained(kept.size(), first, deleted, null);
    } catch (SQLException e) {
      return new Retained(-1, null, deleted, e.getMessage());
    }
  }

  static BackupRetention settings(PostgresShard shard) {
    var spec = shard.getSpec().getBackup().getRetention();
    return new BackupRetention(spec.getCount(), spec.getMaxAge());
  }

  /** Retention's outcome into status and events. */
  static void report(
      KubernetesEvents events, PostgresShard shard, ShardBackupStatus backup, Retained retained) {
    if (retained == null) {
      return;
    }
    if (!retained.deleted().isEmpty()) {
      events.normal(
          shard,
          "BackupsExpired",
          "retention deleted base backup(s) " + String.join(", ", retained.deleted()));
    }
    if (retained.error() != null) {
      events.warning(shard, "RetentionFailed", retained.error());
      return;
    }
    backup.setCompletedBackups(retained.completed());
    backup.setFirstRecoverablePoint(retained.firstRecoverable());
  }
}
