package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.backups.BackupRetention;
import io.pgshard.operator.backups.BackupTrigger;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.metrics.BackupMetrics;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.sql.BackupStatements;
import io.pgshard.operator.sql.BackupStatements.BaseBackupState;
import io.pgshard.operator.status.Conditions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base backups in a shard's reconcile: decides whether one is due ({@link BackupTrigger}: the first
 * at once, then by the schedule, on request and after a failure), picks the instance (a ready
 * standby, else the primary), starts {@code backup.sh base-backup} there over SQL and follows it on
 * a thread of its own, so the reconcile never waits. When it ends the shard is reconciled again and
 * the outcome goes to {@code status.backup}, the LastBackupSucceeded condition and an event. The
 * slot of the backup started is in status before it runs, and its name comes from the slot: an
 * operator that restarts follows the same backup (backup.sh starts a name once) instead of taking
 * another.
 */
public final class BackupStep {

  private static final Logger LOG = LoggerFactory.getLogger(BackupStep.class);
  private static final int SOCKET_TIMEOUT_SECONDS = 30;
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration SWITCH_EVERY = Duration.ofSeconds(5);

  /** A status file that does not appear (or vanished with a restarted instance) by then: failed. */
  private static final Duration NO_STATUS_LIMIT = Duration.ofMinutes(2);

  private static final Duration LONGEST = Duration.ofHours(24);
  private static final Duration NO_SOURCE_RETRY = Duration.ofSeconds(10);
  private static final Duration STANDBY_WAIT = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final ExecutorService workers;
  private final KubernetesEvents events;
  private final Clock clock;
  private final CompletionEventSource completions =
      new CompletionEventSource("backups", this::forget);
  private final Map<ResourceID, Run> runs = new ConcurrentHashMap<>();
  private final ArchiveCheck archive;

  /** A backup followed on a worker; {@code outcome} set when it ends. */
  private static final class Run {
    final BaseBackupRecord record;
    volatile BaseBackupRecord outcome;

    /** What retention did after the backup completed (null: not run). */
    volatile RetentionRun.Retained retained;

    Run(BaseBackupRecord record) {
      this.record = record;
    }
  }

  public BackupStep(
      KubernetesClient client,
      ExecutorService workers,
      KubernetesEvents events,
      Clock clock,
      BackupMetrics metrics) {
    this.client = client;
    this.workers = workers;
    this.events = events;
    this.clock = clock;
    this.archive =
        new ArchiveCheck(client, workers, events, metrics, clock, completions::completed);
  }

  CompletionEventSource eventSource() {
    return completions;
  }

  private void forget(ResourceID shard) {
    runs.remove(shard);
    archive.forget(shard);
  }

  /**
   * Brings {@code status} (the shard's next status) up to date with its backups, starting one when
   * due; returns when to look again if nothing else wakes the shard before.
   */
  Optional<Duration> run(PostgresShard shard, List<Pod> pods, PostgresShardStatus status) {
    ResourceID id = ResourceID.fromResource(shard);
    BackupSpec spec = shard.getSpec().getBackup();
    if (spec == null) {
      runs.remove(id);
      archive.forget(id);
      status.setBackup(null);
      status.setConditions(
          Conditions.without(
              Conditions.without(status.getConditions(), Conditions.LAST_BACKUP_SUCCEEDED),
              Conditions.WAL_ARCHIVING));
      return Optional.empty();
    }
    ShardBackupStatus backup =
        status.getBackup() == null ? new ShardBackupStatus() : status.getBackup().copy();
    status.setBackup(backup);
    Optional<Duration> again = backups(shard, id, spec, pods, status, backup);
    Duration archiveAgain = archive.run(shard, pods, status, backup);
    return Optional.of(
        again.isPresent() && again.get().compareTo(archiveAgain) < 0 ? again.get() : archiveAgain);
  }

  /** The base backup part of {@link #run}: follows the running one, starts the next when due. */
  private Optional<Duration> backups(
      PostgresShard shard,
      ResourceID id,
      BackupSpec spec,
      List<Pod> pods,
      PostgresShardStatus status,
      ShardBackupStatus backup) {
    Run run = runs.get(id);
    if (run == null && backup.getRunning() != null) {
      // on record but followed by nobody: this operator restarted; follow it again
      run = follow(shard, id, backup.getRunning(), pods);
    }
    if (run != null) {
      if (run.outcome == null) {
        return Optional.empty(); // its end triggers a reconcile
      }
      runs.remove(id);
      record(shard, status, backup, run.outcome);
      RetentionRun.report(events, shard, backup, run.retained);
    }
    Instant now = clock.instant();
    Instant lastSlot =
        backup.getLastScheduledSlot() == null ? null : Instant.parse(backup.getLastScheduledSlot());
    Instant lastFailedAt =
        backup.getLastFailed() == null || backup.getLastFailed().getFinishedAt() == null
            ? null
            : Instant.parse(backup.getLastFailed().getFinishedAt());
    String request = shard.getSpec().getBackupRequest();
    Optional<BackupTrigger.Due> due =
        BackupTrigger.due(lastSlot, firstSlot(shard, now), spec.getSchedule(), now)
            .or(
                () ->
                    BackupTrigger.between(
                        request,
                        backup.getLastRequest(),
                        backup.getFailuresInARow(),
                        lastFailedAt,
                        now));
    if (due.isEmpty()) {
      Instant next = BackupTrigger.next(lastSlot, spec.getSchedule());
      Optional<Instant> retry = BackupTrigger.retryAt(backup.getFailuresInARow(), lastFailedAt);
      if (retry.isPresent() && retry.get().isBefore(next)) {
        next = retry.get();
      }
      return Optional.of(Duration.between(now, next).plusSeconds(1));
    }
    // a standby, not the primary, carries the backup's load; one that is not ready yet (a new
    // shard's clone) is waited for a while before the primary takes it
    boolean waitForStandby =
        shard.getSpec().getReplicas() > 0
            && Duration.between(due.get().slot(), now).compareTo(STANDBY_WAIT) < 0;
    Optional<Pod> source = source(shard, pods, !waitForStandby);
    if (source.isEmpty()) {
      return Optional.of(NO_SOURCE_RETRY);
    }
    BaseBackupRecord started =
        new BaseBackupRecord(
            due.get().name(),
            source.get().getMetadata().getName(),
            due.get().reason(),
            now.toString());
    if (due.get().kind().slotted()) {
      backup.setLastScheduledSlot(due.get().slot().toString());
    }
    if (request != null && due.get().kind() != BackupTrigger.Kind.SCHEDULED) {
      // a backup taken now serves a request made before it (the first one included)
      backup.setLastRequest(request);
    }
    backup.setRunning(started);
    LOG.info(
        "base backup {} on {} ({})", started.getName(), started.getInstance(), started.getReason());
    events.normal(
        shard,
        "BackupStarted",
        "base backup "
            + started.getName()
            + " started on "
            + started.getInstance()
            + " ("
            + started.getReason()
            + ")");
    follow(shard, id, started, pods);
    return Optional.empty();
  }

  private void record(
      PostgresShard shard,
      PostgresShardStatus status,
      ShardBackupStatus backup,
      BaseBackupRecord outcome) {
    backup.setRunning(null);
    long generation = Conditions.generation(shard);
    if (outcome.getError() == null) {
      backup.setLastCompleted(outcome);
      backup.setFailuresInARow(null);
      String message =
          "base backup " + outcome.getName() + " of " + outcome.getInstance() + " completed";
      events.normal(shard, "BackupCompleted", message);
      status.setConditions(
          Conditions.with(
              status.getConditions(),
              generation,
              clock.instant(),
              Conditions.LAST_BACKUP_SUCCEEDED,
              true,
              "Completed",
              message));
    } else {
      backup.setLastFailed(outcome);
      backup.setFailuresInARow(
          backup.getFailuresInARow() == null ? 1 : backup.getFailuresInARow() + 1);
      String message =
          "base backup "
              + outcome.getName()
              + " of "
              + outcome.getInstance()
              + " failed: "
              + outcome.getError();
      events.warning(shard, "BackupFailed", message);
      status.setConditions(
          Conditions.with(
              status.getConditions(),
              generation,
              clock.instant(),
              Conditions.LAST_BACKUP_SUCCEEDED,
              false,
              "BackupFailed",
              message));
    }
  }

  /** Starts (or joins: a name is started once) and follows {@code record} on a worker. */
  private Run follow(PostgresShard shard, ResourceID id, BaseBackupRecord record, List<Pod> pods) {
    Run run = new Run(record);
    runs.put(id, run);
    String ip =
        pods.stream()
            .filter(p -> p.getMetadata().getName().equals(record.getInstance()))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .map(p -> p.getStatus() == null ? null : p.getStatus().getPodIP())
            .findFirst()
            .orElse(null);
    if (ip == null) {
      run.outcome = record.finished(clock.instant().toString(), record.getInstance() + " is gone");
      completions.completed(id);
      return run;
    }
    Credentials superuser = Credentials.superuser(client, shard);
    workers.submit(
        () -> {
          try {
            run.outcome =
                take(
                    record,
                    ip,
                    superuser,
                    run,
                    RetentionRun.settings(shard),
                    () -> primaryIp(shard));
          } catch (RuntimeException e) {
            run.outcome = record.finished(clock.instant().toString(), e.toString());
          } finally {
            completions.completed(id);
          }
        });
    return run;
  }

  private BaseBackupRecord take(
      BaseBackupRecord record,
      String ip,
      Credentials superuser,
      Run run,
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
              run.retained = RetentionRun.apply(db, retention, clock.instant());
              return record.finished(at(state.get()), null);
            case FAILED:
              return record.finished(at(state.get()), state.get().message());
            default:
              if (Duration.between(lastSwitch, clock.instant()).compareTo(SWITCH_EVERY) >= 0
                  && BackupStatements.waitsForArchive(db)) {
                lastSwitch = clock.instant();
                switchWalOnPrimary(record, primaryIp, superuser);
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
  private void switchWalOnPrimary(
      BaseBackupRecord record, Supplier<Optional<String>> primaryIp, Credentials superuser) {
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

  /** The ready primary's address, read from the API when needed (it may change during a backup). */
  private Optional<String> primaryIp(PostgresShard shard) {
    return LabelledPrimary.of(client, shard, false).map(p -> p.getStatus().getPodIP());
  }

  private String at(BaseBackupState state) {
    return (state.at() == null ? clock.instant() : state.at()).toString();
  }

  /** The slot of the first backup: when the shard was created, so its name is always the same. */
  private static Instant firstSlot(PostgresShard shard, Instant now) {
    String created = shard.getMetadata().getCreationTimestamp();
    return created == null ? now : Instant.parse(created);
  }

  /** A ready standby (the lowest ordinal), else ({@code orPrimary}) the ready primary. */
  static Optional<Pod> source(PostgresShard shard, List<Pod> pods, boolean orPrimary) {
    String name = shard.getMetadata().getName();
    Comparator<Pod> order =
        Comparator.comparing(
                (Pod p) ->
                    !Labels.ROLE_REPLICA.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
            .thenComparingInt(p -> ResourceNames.ordinalOf(name, p.getMetadata().getName()));
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(PodReadiness::isReady)
        .filter(
            p -> {
              String role = p.getMetadata().getLabels().get(Labels.ROLE);
              return Labels.ROLE_REPLICA.equals(role)
                  || (orPrimary && Labels.ROLE_PRIMARY.equals(role));
            })
        .min(order);
  }
}
