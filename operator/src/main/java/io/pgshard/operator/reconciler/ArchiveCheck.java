package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.api.v1alpha1.WalArchiveStatus;
import io.pgshard.operator.backups.ArchiveHealth;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.metrics.BackupMetrics;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.sql.ArchiveStatements;
import io.pgshard.operator.sql.ArchiveStatements.ArchiveState;
import io.pgshard.operator.status.Conditions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's WAL archiving, looked at about every {@link #EVERY} on its primary ({@link
 * ArchiveStatements}) by a worker thread, never in the reconcile (a frozen primary must not hold up
 * failover); the reconcile writes the last look into the backup metrics at once, and into
 * status.backup.archive and the WalArchiving condition (an event when the verdict changes) when
 * something changed besides the figures (a segment archived, an error) or a minute after the last
 * figures written: a busy shard's lag changes with every look, and each status change is an API
 * write.
 */
final class ArchiveCheck {

  private static final Logger LOG = LoggerFactory.getLogger(ArchiveCheck.class);
  static final Duration EVERY = Duration.ofSeconds(15);

  /** Status is rewritten with new figures at most this often unless something else changed. */
  static final Duration REPUBLISH = Duration.ofSeconds(60);

  private static final int SOCKET_TIMEOUT_SECONDS = 10;

  /** One look: at the primary {@code instance}, what it said. */
  private record Look(String instance, Instant at, ArchiveState state) {}

  private final KubernetesClient client;
  private final ExecutorService workers;
  private final KubernetesEvents events;
  private final BackupMetrics metrics;
  private final Clock clock;
  private final Map<ResourceID, Look> looks = new ConcurrentHashMap<>();
  private final Map<ResourceID, Instant> started = new ConcurrentHashMap<>();
  private final Map<ResourceID, String> clusters = new ConcurrentHashMap<>();
  private final Consumer<ResourceID> looked;

  /** {@code looked}: asks for the shard's reconcile once a look is done, to publish it. */
  ArchiveCheck(
      KubernetesClient client,
      ExecutorService workers,
      KubernetesEvents events,
      BackupMetrics metrics,
      Clock clock,
      Consumer<ResourceID> looked) {
    this.client = client;
    this.workers = workers;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.looked = looked;
  }

  /**
   * Reports the last look into {@code status} and starts the next when due; returns when to look
   * again.
   */
  Duration run(
      PostgresShard shard, List<Pod> pods, PostgresShardStatus status, ShardBackupStatus backup) {
    ResourceID id = ResourceID.fromResource(shard);
    String cluster = shard.getSpec().getClusterName();
    String name = shard.getMetadata().getName();
    clusters.put(id, cluster);
    Look look = looks.get(id);
    if (look != null) {
      WalArchiveStatus seen = archiveStatus(look);
      if (worthWriting(backup.getArchive(), seen)) {
        backup.setArchive(seen);
      }
      verdict(shard, status, ArchiveHealth.of(look.state()));
      metrics.archive(cluster, name, look.state());
    }
    metrics.backups(cluster, name, backup);
    Instant now = clock.instant();
    Instant last = started.get(id);
    if (last == null || !now.isBefore(last.plus(EVERY))) {
      primary(pods)
          .ifPresent(
              p -> {
                started.put(id, now);
                Credentials superuser = Credentials.superuser(client, shard);
                String pod = p.getMetadata().getName();
                String ip = p.getStatus().getPodIP();
                workers.submit(() -> look(id, pod, ip, superuser));
              });
    }
    return EVERY;
  }

  /** A shard without backups, or deleted: no look, no gauges. */
  void forget(ResourceID id) {
    looks.remove(id);
    started.remove(id);
    String cluster = clusters.remove(id);
    if (cluster != null) {
      metrics.forget(cluster, id.getName());
    }
  }

  private void look(ResourceID id, String pod, String ip, Credentials superuser) {
    DirectConnection connections =
        new DirectConnection(
            p -> ip, ShardStatefulSetModel.POSTGRES_PORT, superuser.user(), superuser.password());
    try (Connection db = connections.open(pod, SOCKET_TIMEOUT_SECONDS)) {
      looks.put(id, new Look(pod, clock.instant(), ArchiveStatements.read(db)));
      looked.accept(id);
    } catch (SQLException | RuntimeException e) {
      // the primary is away: failover's business; the last look stays until one succeeds
      LOG.debug("archive check of {} failed: {}", pod, e.getMessage());
    }
  }

  static boolean worthWriting(WalArchiveStatus before, WalArchiveStatus seen) {
    if (before == null || before.getCheckedAt() == null) {
      return true;
    }
    boolean sameEvents =
        java.util.Objects.equals(before.getInstance(), seen.getInstance())
            && java.util.Objects.equals(before.getLastArchivedWal(), seen.getLastArchivedWal())
            && java.util.Objects.equals(before.getLastError(), seen.getLastError())
            && java.util.Objects.equals(
                before.getPendingSegments() != null && before.getPendingSegments() > 0,
                seen.getPendingSegments() != null && seen.getPendingSegments() > 0);
    return !sameEvents
        || !Instant.parse(before.getCheckedAt())
            .plus(REPUBLISH)
            .isAfter(Instant.parse(seen.getCheckedAt()));
  }

  private static Optional<Pod> primary(List<Pod> pods) {
    return pods.stream()
        .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .findFirst();
  }

  private static WalArchiveStatus archiveStatus(Look look) {
    ArchiveState s = look.state();
    WalArchiveStatus out = new WalArchiveStatus();
    out.setInstance(look.instance());
    out.setCheckedAt(look.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    out.setPendingSegments(s.pendingSegments());
    out.setLagBytes(s.lagBytes());
    out.setLagSeconds(s.lagSeconds());
    out.setLastArchivedWal(s.lastArchivedWal());
    out.setLastArchivedAt(
        s.lastArchivedAt() == null
            ? null
            : s.lastArchivedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    out.setFailedCount(s.failedCount());
    out.setLastError(s.lastError().orElse(null));
    return out;
  }

  private void verdict(
      PostgresShard shard, PostgresShardStatus status, ArchiveHealth.Verdict verdict) {
    Optional<Condition> before = Conditions.find(status.getConditions(), Conditions.WAL_ARCHIVING);
    boolean wasOk = before.isEmpty() || "True".equals(before.get().getStatus());
    boolean changed =
        before.isEmpty()
            || wasOk != verdict.ok()
            || !verdict.reason().equals(before.get().getReason());
    if (changed && !verdict.ok()) {
      events.warning(shard, verdict.reason(), verdict.message());
    } else if (changed && !wasOk) {
      events.normal(shard, "ArchiveRecovered", verdict.message());
    }
    if (changed || !verdict.message().equals(before.get().getMessage())) {
      status.setConditions(
          Conditions.with(
              status.getConditions(),
              Conditions.generation(shard),
              clock.instant(),
              Conditions.WAL_ARCHIVING,
              verdict.ok(),
              verdict.reason(),
              verdict.message()));
    }
  }
}
