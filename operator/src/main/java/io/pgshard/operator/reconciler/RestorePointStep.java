package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.ClusterBackupStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.RestorePointRecord;
import io.pgshard.operator.api.v1alpha1.ShardRestorePoint;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterStatus;
import io.pgshard.operator.backups.BackupTrigger;
import io.pgshard.operator.failover.SwitchoverException;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.kube.KubernetesPoolers;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.pooler.PauseLocks;
import io.pgshard.operator.sql.BackupStatements;
import io.pgshard.operator.status.Conditions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-shard restore points: every shard's poolers PAUSE (each waits for its running transactions,
 * then holds new queries), every primary writes the same named restore point, the poolers RESUME,
 * and each primary switches WAL so that the point reaches the archive. No transaction that went
 * through a pooler is half before and half after the point on different shards, so a restore of
 * every shard to that name brings back rows that belong together. Asked for with the annotation
 * {@code pgshard.io/restore-point} (each name once) or by {@code spec.backup.restorePointSchedule};
 * recorded in {@code status.backup.restorePoints}, the LastRestorePointSucceeded condition and an
 * event.
 */
public final class RestorePointStep {

  private static final Logger LOG = LoggerFactory.getLogger(RestorePointStep.class);

  /** What PostgreSQL keeps of a restore point's name (MAXFNAMELEN - 1), in safe characters. */
  static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$");

  private static final int KEPT = 20;
  private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
  private static final Duration NOT_READY_RETRY = Duration.ofSeconds(10);
  private static final int SOCKET_TIMEOUT_SECONDS = 10;

  private final KubernetesClient client;
  private final PauseLocks locks;
  private final KubernetesEvents events;
  private final Clock clock;

  public RestorePointStep(
      KubernetesClient client, PauseLocks locks, KubernetesEvents events, Clock clock) {
    this.client = client;
    this.locks = locks;
    this.events = events;
    this.clock = clock;
  }

  /** A restore point to write now. */
  record Due(String name, String reason, String slot, String requested) {}

  /**
   * Brings {@code next} (the cluster's next status) up to date, writing a restore point when one is
   * due and every shard has a ready primary; returns when to look again.
   */
  Optional<Duration> run(
      ShardedCluster cluster, List<PostgresShard> shards, ShardedClusterStatus next) {
    BackupSpec spec = cluster.getSpec().getBackup();
    ShardedClusterStatus prev = cluster.getStatus();
    if (spec == null) {
      next.setBackup(null);
      next.setConditions(
          Conditions.without(next.getConditions(), Conditions.LAST_RESTORE_POINT_SUCCEEDED));
      return Optional.empty();
    }
    ClusterBackupStatus backup =
        prev == null || prev.getBackup() == null
            ? new ClusterBackupStatus()
            : prev.getBackup().copy();
    next.setBackup(backup);
    Instant now = clock.instant();
    Optional<Due> due = due(cluster, backup, now);
    if (due.isEmpty()) {
      return nextSlot(cluster, backup, now);
    }
    if (!NAME.matcher(due.get().name()).matches()) {
      String message =
          "'"
              + due.get().name()
              + "' is not a restore point name: 1 to 63 letters, digits, '_', '.' or '-',"
              + " starting with a letter or digit";
      finish(cluster, next, backup, due.get(), failed(due.get(), now, message), 0);
      return Optional.empty();
    }
    List<PostgresShard> sorted =
        shards.stream().sorted(Comparator.comparingInt(s -> s.getSpec().getIndex())).toList();
    Map<PostgresShard, Pod> primaries = primaries(sorted);
    if (sorted.size() != cluster.getSpec().getShards()
        || primaries.size() != cluster.getSpec().getShards()) {
      LOG.info(
          "restore point {} waits: {} of {} shards have a ready primary",
          due.get().name(),
          primaries.size(),
          cluster.getSpec().getShards());
      return Optional.of(NOT_READY_RETRY);
    }
    List<String> keys =
        sorted.stream()
            .map(s -> PauseLocks.key(s.getMetadata().getNamespace(), s.getMetadata().getName()))
            .toList();
    Optional<PauseLocks.Held> held;
    try {
      held = locks.acquire(keys, LOCK_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(NOT_READY_RETRY);
    }
    if (held.isEmpty()) {
      LOG.info("restore point {} waits: a switchover holds a shard's poolers", due.get().name());
      return Optional.of(NOT_READY_RETRY);
    }
    try (PauseLocks.Held h = held.get()) {
      write(cluster, next, backup, due.get(), primaries);
    }
    return nextSlot(cluster, backup, clock.instant());
  }

  /** The requested name not handled yet comes first, then the schedule's latest slot. */
  private static Optional<Due> due(
      ShardedCluster cluster, ClusterBackupStatus backup, Instant now) {
    Map<String, String> annotations = cluster.getMetadata().getAnnotations();
    String requested = annotations == null ? null : annotations.get(Labels.RESTORE_POINT);
    if (requested != null
        && !requested.isBlank()
        && !requested.trim().equals(backup.getLastRequested())) {
      return Optional.of(
          new Due(requested.trim(), "requested (" + Labels.RESTORE_POINT + ")", null, requested));
    }
    String schedule = cluster.getSpec().getBackup().getRestorePointSchedule();
    if (schedule == null) {
      return Optional.empty();
    }
    Instant last = lastSlot(cluster, backup);
    return BackupTrigger.latestSlot(last, schedule, now)
        .map(
            slot ->
                new Due(
                    BackupTrigger.name("rp", slot), "schedule " + schedule, slot.toString(), null));
  }

  /** The last slot taken, or the cluster's creation: the first point is the schedule's next. */
  private static Instant lastSlot(ShardedCluster cluster, ClusterBackupStatus backup) {
    if (backup.getLastRestorePointSlot() != null) {
      return Instant.parse(backup.getLastRestorePointSlot());
    }
    String created = cluster.getMetadata().getCreationTimestamp();
    return created == null ? Instant.EPOCH : Instant.parse(created);
  }

  private static Optional<Duration> nextSlot(
      ShardedCluster cluster, ClusterBackupStatus backup, Instant now) {
    String schedule = cluster.getSpec().getBackup().getRestorePointSchedule();
    if (schedule == null) {
      return Optional.empty();
    }
    Instant next = BackupTrigger.next(lastSlot(cluster, backup), schedule);
    return Optional.of(Duration.between(now, next).plusSeconds(1));
  }

  /** Each shard's ready primary (by its role label), in shard order. */
  private Map<PostgresShard, Pod> primaries(List<PostgresShard> shards) {
    Map<PostgresShard, Pod> primaries = new LinkedHashMap<>();
    for (PostgresShard shard : shards) {
      LabelledPrimary.of(client, shard, true).ifPresent(p -> primaries.put(shard, p));
    }
    return primaries;
  }

  /**
   * Connections first (outside the pause), then PAUSE every pooler, write the point on every
   * primary, RESUME; then switch WAL. All or nothing in what is recorded: a point that some shard
   * lacks is recorded with its error, as it is not a consistent point.
   */
  private void write(
      ShardedCluster cluster,
      ShardedClusterStatus next,
      ClusterBackupStatus backup,
      Due due,
      Map<PostgresShard, Pod> primaries) {
    Instant at = clock.instant();
    PostgresShard first = primaries.keySet().iterator().next();
    Credentials superuser = Credentials.superuser(client, first);
    Credentials admin = Credentials.poolerAdmin(client, first);
    Map<String, String> ips = new LinkedHashMap<>();
    primaries.values().forEach(p -> ips.put(p.getMetadata().getName(), p.getStatus().getPodIP()));
    DirectConnection direct =
        new DirectConnection(
            ips::get, ShardStatefulSetModel.POSTGRES_PORT, superuser.user(), superuser.password());
    List<KubernetesPoolers> poolers = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    List<ShardRestorePoint> points = new ArrayList<>();
    String error = null;
    long pausedNanos = 0;
    try {
      for (Map.Entry<PostgresShard, Pod> e : primaries.entrySet()) {
        poolers.add(
            KubernetesPoolers.of(
                client, e.getKey(), admin.user(), admin.password(), PAUSE_TIMEOUT));
        connections.add(direct.open(e.getValue().getMetadata().getName(), SOCKET_TIMEOUT_SECONDS));
      }
      long pauseStart = System.nanoTime();
      try {
        for (KubernetesPoolers p : poolers) {
          p.pause();
        }
        int i = 0;
        for (Map.Entry<PostgresShard, Pod> e : primaries.entrySet()) {
          BackupStatements.WrittenPoint point =
              BackupStatements.createRestorePoint(connections.get(i++), due.name());
          points.add(
              new ShardRestorePoint(
                  e.getKey().getMetadata().getName(),
                  e.getValue().getMetadata().getName(),
                  point.lsn(),
                  point.timeline()));
        }
      } finally {
        poolers.forEach(KubernetesPoolers::resume);
        pausedNanos = System.nanoTime() - pauseStart;
      }
      for (Connection c : connections) {
        BackupStatements.switchWal(c);
      }
    } catch (SwitchoverException e) {
      error = e.getMessage();
    } catch (SQLException e) {
      String shard =
          points.size() < primaries.size()
              ? new ArrayList<>(primaries.keySet()).get(points.size()).getMetadata().getName()
              : "a shard";
      error = shard + ": " + e.getMessage();
    } finally {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException e) {
          LOG.debug("closing: {}", e.getMessage());
        }
      }
    }
    RestorePointRecord record = new RestorePointRecord(due.name(), due.reason(), at.toString());
    record.setPauseMillis(pausedNanos / 1_000_000);
    if (error == null) {
      record.setShards(points);
    } else {
      record.setError(error);
    }
    finish(cluster, next, backup, due, record, primaries.size());
  }

  private RestorePointRecord failed(Due due, Instant at, String error) {
    RestorePointRecord record = new RestorePointRecord(due.name(), due.reason(), at.toString());
    record.setError(error);
    return record;
  }

  private void finish(
      ShardedCluster cluster,
      ShardedClusterStatus next,
      ClusterBackupStatus backup,
      Due due,
      RestorePointRecord record,
      int shards) {
    if (due.requested() != null) {
      backup.setLastRequested(due.requested().trim());
    }
    if (due.slot() != null) {
      backup.setLastRestorePointSlot(due.slot());
    }
    List<RestorePointRecord> kept = new ArrayList<>();
    kept.add(record);
    kept.addAll(backup.getRestorePoints());
    backup.setRestorePoints(List.copyOf(kept.subList(0, Math.min(KEPT, kept.size()))));
    boolean ok = record.getError() == null;
    String message =
        ok
            ? "restore point "
                + record.getName()
                + " written on "
                + shards
                + " shards; poolers paused "
                + record.getPauseMillis()
                + " ms"
            : "restore point " + record.getName() + " not written: " + record.getError();
    LOG.info(message);
    if (ok) {
      events.normal(cluster, "RestorePointCreated", message);
    } else {
      events.warning(cluster, "RestorePointFailed", message);
    }
    next.setConditions(
        Conditions.with(
            next.getConditions(),
            Conditions.generation(cluster),
            clock.instant(),
            Conditions.LAST_RESTORE_POINT_SUCCEEDED,
            ok,
            ok ? "Created" : "RestorePointFailed",
            message));
  }
}
