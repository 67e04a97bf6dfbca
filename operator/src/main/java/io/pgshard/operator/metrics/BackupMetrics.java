package io.pgshard.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.sql.ArchiveStatements.ArchiveState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Per shard with backups: WAL archive lag (bytes, seconds the oldest complete segment has waited,
 * pending segments, whether the last attempt failed), the age of the last completed base backup,
 * the recoverable window (now minus the first recoverable point) and failed backups in a row. Ages
 * are worked out when scraped, so an alert on them fires even if the operator stops looking. A
 * value not known yet is NaN.
 */
public final class BackupMetrics {

  private record Key(String cluster, String shard) {}

  /** What the gauges read; written by the shard's reconcile. */
  private static final class Values {
    volatile double lagBytes = Double.NaN;
    volatile double lagSeconds = Double.NaN;
    volatile double pending = Double.NaN;
    volatile double failing = Double.NaN;
    volatile Instant lastCompleted;
    volatile Instant firstRecoverable;
    volatile double failuresInARow;
    final List<Meter> meters = new ArrayList<>();
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<Key, Values> shards = new HashMap<>();

  public BackupMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** What the last look at the primary's archiver found. */
  public void archive(String cluster, String shard, ArchiveState state) {
    Values v = values(cluster, shard);
    v.lagBytes = state.lagBytes();
    v.lagSeconds = state.lagSeconds();
    v.pending = state.pendingSegments();
    v.failing = state.lastError().isPresent() ? 1 : 0;
  }

  /** The shard's backups as its status records them. */
  public void backups(String cluster, String shard, ShardBackupStatus status) {
    Values v = values(cluster, shard);
    v.lastCompleted =
        status.getLastCompleted() == null || status.getLastCompleted().getFinishedAt() == null
            ? null
            : Instant.parse(status.getLastCompleted().getFinishedAt());
    v.firstRecoverable =
        status.getFirstRecoverablePoint() == null
            ? null
            : Instant.parse(status.getFirstRecoverablePoint());
    v.failuresInARow = status.getFailuresInARow() == null ? 0 : status.getFailuresInARow();
  }

  /** A shard without backups (or gone) takes its gauges with it. */
  public synchronized void forget(String cluster, String shard) {
    Values v = shards.remove(new Key(cluster, shard));
    if (v != null) {
      v.meters.forEach(registry::remove);
    }
  }

  private synchronized Values values(String cluster, String shard) {
    return shards.computeIfAbsent(
        new Key(cluster, shard),
        k -> {
          Values v = new Values();
          Tags tags = Tags.of("cluster", cluster, "shard", shard);
          gauge(
              v,
              tags,
              "pgshard_wal_archive_lag_bytes",
              "WAL not in the archive yet",
              x -> x.lagBytes);
          gauge(
              v,
              tags,
              "pgshard_wal_archive_lag_seconds",
              "How long the oldest complete WAL segment has waited to be archived",
              x -> x.lagSeconds);
          gauge(
              v,
              tags,
              "pgshard_wal_archive_pending_segments",
              "Complete WAL segments not archived yet",
              x -> x.pending);
          gauge(
              v,
              tags,
              "pgshard_wal_archive_failing",
              "1 while the primary's last archiving attempt failed",
              x -> x.failing);
          gauge(
              v,
              tags,
              "pgshard_backup_last_completed_age_seconds",
              "Seconds since the last base backup completed",
              x -> age(x.lastCompleted));
          gauge(
              v,
              tags,
              "pgshard_backup_recoverable_window_seconds",
              "Seconds from the first recoverable point to now",
              x -> age(x.firstRecoverable));
          gauge(
              v,
              tags,
              "pgshard_backup_failures_in_a_row",
              "Base backups failed since the last one completed",
              x -> x.failuresInARow);
          return v;
        });
  }

  private void gauge(Values v, Tags tags, String name, String help, ToDoubleFunction<Values> read) {
    v.meters.add(Gauge.builder(name, v, read).description(help).tags(tags).register(registry));
  }

  private double age(Instant at) {
    return at == null ? Double.NaN : (clock.millis() - at.toEpochMilli()) / 1000.0;
  }
}
