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
import io.pgshard.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
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

  private static final Duration NO_SOURCE_RETRY = Duration.ofSeconds(10);
  private static final Duration STANDBY_WAIT = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final ExecutorService workers;
  private final KubernetesEvents events;
  private final Clock clock;
  private final CompletionEventSource completions =
      new CompletionEventSource("backups", this::forget);
  private final Map<ResourceID, BaseBackupRun> runs = new ConcurrentHashMap<>();
  private final ArchiveCheck archive;

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
    BaseBackupRun run = runs.get(id);
    if (run == null && backup.getRunning() != null) {
      // on record but followed by nobody: this operator restarted; follow it again
      run = follow(shard, id, backup.getRunning(), pods);
    }
    if (run != null) {
      if (run.outcome() == null) {
        return Optional.empty(); // its end triggers a reconcile
      }
      runs.remove(id);
      record(shard, status, backup, run.outcome());
      RetentionRun.report(events, shard, backup, run.retained());
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
  private BaseBackupRun follow(
      PostgresShard shard, ResourceID id, BaseBackupRecord record, List<Pod> pods) {
    BaseBackupRun run = new BaseBackupRun(record, clock);
    runs.put(id, run);
    String ip =
        pods.stream()
            .filter(p -> p.getMetadata().getName().equals(record.getInstance()))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .map(p -> p.getStatus() == null ? null : p.getStatus().getPodIP())
            .findFirst()
            .orElse(null);
    if (ip == null) {
      run.end(record.getInstance() + " is gone");
      completions.completed(id);
      return run;
    }
    Credentials superuser = Credentials.superuser(client, shard);
    BackupRetention retention = RetentionRun.settings(shard);
    workers.submit(
        () -> {
          try {
            run.follow(ip, superuser, retention, () -> primaryIp(shard));
          } catch (RuntimeException e) {
            run.end(e.toString());
          } finally {
            completions.completed(id);
          }
        });
    return run;
  }

  /** The ready primary's address, read from the API when needed (it may change during a backup). */
  private Optional<String> primaryIp(PostgresShard shard) {
    return LabelledPrimary.of(client, shard, false).map(p -> p.getStatus().getPodIP());
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
