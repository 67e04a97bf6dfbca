package io.pgshard.operator.reconciler;

import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.backups.BackupRetention;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.sql.BackupStatements;
import io.pgshard.operator.sql.BackupStatements.BaseBackupState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One base backup, started over SQL on its instance ({@code backup.sh base-backup} through {@link
 * BackupStatements}) and followed there on a worker thread until it ends; {@link #outcome()} is set
 * then. Starting is idempotent (a name is started once), so an operator that restarts follows the
 * same backup again.
 */
final class BaseBackupRun {

  private static final Logger LOG = LoggerFactory.getLogger(BaseBackupRun.class);
  private static final int SOCKET_TIMEOUT_SECONDS = 30;
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration SWITCH_EVERY = Duration.ofSeconds(5);

  /** A status file that does not appear (or vanished with a restarted instance) by then: failed. */
  private static final Duration NO_STATUS_LIMIT = Duration.ofMinutes(2);

  private static final Duration LONGEST = Duration.ofHours(24);

  private final BaseBackupRecord record;
  private final Clock clock;
  private volatile BaseBackupRecord outcome;

  /** What retention did after the backup completed (null: not run). */
  private volatile RetentionRun.Retained retained;

  BaseBackupRun(BaseBackupRecord record, Clock clock) {
    this.record = record;
    this.clock = clock;
  }

  /** The record as it ended, or null while it runs. */
  BaseBackupRecord outcome() {
    return outcome;
  }

  RetentionRun.Retained retained() {
    return retained;
  }

  /** Ends it without following it, failed with {@code error}. */
  void end(String error) {
    outcome = record.finished(clock.instant().toString(), error);
  }

  /**
   * Starts it on the instance at {@code ip} and follows it to its end (on the caller's thread);
   * after a completed backup, applies {@code retention} there.
   */
  void follow(
      String ip,
      Credentials superuser,
      BackupRetention retention,
      Supplier<Optional<String>> primaryIp) {
    outcome = take(ip, superuser, retention, primaryIp);
  }

  private BaseBackupRecord take(
      String ip,
      Credentials superuser,
      BackupRetention retention,
      Supplier<Optional<String>> primaryIp) {
    DirectConnection connections =
        new DirectConnection(
            p -> ip, ShardStatefulSetModel.POSTGRES_PORT, superuser.user(), superuser.password());
    Instant lastSwitch = Instant.EPOCH;
    Instant since = clock.instant();
    Instant deadline = since.plus(LONGEST);
    boolean started = false;
    String lastProblem = "no status yet";
    while (clock.instant().isBefore(deadline)) {
      try (Connection db = connections.open(record.getInstance(), SOCKET_TIMEOUT_SECONDS)) {
        if (!started) {
          BackupStatements.start(db, record.getName());
          started = true;
        }
        Optional<BaseBackupState> state = BackupStatements.state(db, record.getName());
        if (state.isPresent()) {
          since = clock.instant();
          switch (state.get().phase()) {
            case DONE:
              retained = RetentionRun.apply(db, retention, clock.instant());
              return record.finished(at(state.get()), null);
            case FAILED:
              return record.finished(at(state.get()), state.get().message());
            default:
              if (Duration.between(lastSwitch, clock.instant()).compareTo(SWITCH_EVERY) >= 0
                  && BackupStatements.waitsForArchive(db)) {
                lastSwitch = clock.instant();
                switchWalOnPrimary(primaryIp, superuser);
              }
              break;
          }
        } else if (Duration.between(since, clock.instant()).compareTo(NO_STATUS_LIMIT) > 0) {
          return record.finished(
              clock.instant().toString(),
              record.getInstance() + " has no status for the backup (it restarted?)");
        }
      } catch (SQLException e) {
        if (!started) {
          return record.finished(
              clock.instant().toString(),
              "could not start it on " + record.getInstance() + ": " + e.getMessage());
        }
        lastProblem = e.getMessage();
        LOG.debug("backup {}: {}", record.getName(), lastProblem);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return record.finished(clock.instant().toString(), "the operator stopped following it");
      }
    }
    return record.finished(
        clock.instant().toString(),
        "no outcome within " + LONGEST.toHours() + " h (" + lastProblem + ")");
  }

  /**
   * A backup taken on a standby ends by waiting until the standby archived the segment holding its
   * end, and a standby archives a segment only once it is complete: on a quiet primary that is
   * archive_timeout away. The primary switches WAL then, as it would for a backup taken there.
   */
  private void switchWalOnPrimary(Supplier<Optional<String>> primaryIp, Credentials superuser) {
    Optional<String> ip = primaryIp.get();
    if (ip.isEmpty()) {
      LOG.warn(
          "backup {}: waits for its last segment and no primary is labelled", record.getName());
      return;
    }
    DirectConnection primary =
        new DirectConnection(
            p -> ip.get(),
            ShardStatefulSetModel.POSTGRES_PORT,
            superuser.user(),
            superuser.password());
    try (Connection db = primary.open("primary", SOCKET_TIMEOUT_SECONDS)) {
      BackupStatements.switchWal(db);
      LOG.info("backup {}: switched WAL on the primary for its last segment", record.getName());
    } catch (SQLException e) {
      LOG.warn(
          "backup {}: could not switch WAL on the primary: {}", record.getName(), e.getMessage());
    }
  }

  private String at(BaseBackupState state) {
    return (state.at() == null ? clock.instant() : state.at()).toString();
  }
}
