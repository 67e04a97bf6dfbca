package io.pgshard.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardSummary;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterStatus;
import io.pgshard.operator.model.ResourceNames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Aggregates the PostgresShards of a ShardedCluster into its status. Pure: the reconciler patches
 * the result only when it differs from what is stored.
 */
public final class ClusterStatusUpdater {

  private final Clock clock;

  public ClusterStatusUpdater(Clock clock) {
    this.clock = clock;
  }

  /**
   * {@code shards}: the PostgresShards that exist (any order). {@code problems}: why the spec was
   * refused, empty when it was applied.
   */
  public ShardedClusterStatus update(
      ShardedCluster cluster, List<PostgresShard> shards, List<String> problems) {
    ShardedClusterStatus prev =
        cluster.getStatus() == null ? new ShardedClusterStatus() : cluster.getStatus();
    long generation = Conditions.generation(cluster);
    int wanted = cluster.getSpec().getShards();
    List<PostgresShard> sorted =
        shards.stream().sorted(Comparator.comparingInt(s -> s.getSpec().getIndex())).toList();

    ShardedClusterStatus next = new ShardedClusterStatus();
    next.setObservedGeneration(generation);
    next.setShardMap(ResourceNames.shardMap(cluster.getMetadata().getName()));
    List<ShardSummary> summaries = new ArrayList<>();
    int ready = 0;
    int current = 0;
    boolean anyFailingOver = false;
    boolean anyDegraded = false;
    boolean poolersReady = true;
    for (PostgresShard shard : sorted) {
      PostgresShardStatus s = shard.getStatus();
      boolean upToDate =
          s != null
              && s.getObservedGeneration() != null
              && s.getObservedGeneration().equals(shard.getMetadata().getGeneration());
      if (upToDate) {
        current++;
      }
      if (upToDate && Conditions.isTrue(s.getConditions(), Conditions.READY)) {
        ready++;
      }
      String phase = s == null ? null : s.getPhase();
      anyFailingOver |= Phase.FAILING_OVER.value().equals(phase);
      anyDegraded |= Phase.DEGRADED.value().equals(phase);
      if (shard.getSpec().getPooler().isEnabled()) {
        poolersReady &= s != null && Conditions.isTrue(s.getConditions(), Conditions.POOLER_READY);
      }
      summaries.add(summary(shard));
    }
    next.setShards(summaries);
    next.setReadyShards(ready + "/" + wanted);

    boolean allReady = ready == wanted && sorted.size() == wanted;
    Phase phase;
    if (cluster.getMetadata().getDeletionTimestamp() != null) {
      phase = Phase.DELETING;
    } else if (anyFailingOver) {
      phase = Phase.FAILING_OVER;
    } else if (allReady) {
      phase = Phase.READY;
    } else if (anyDegraded) {
      phase = Phase.DEGRADED;
    } else {
      phase = Phase.CREATING;
    }
    next.setPhase(phase.value());

    Conditions conditions = new Conditions(prev.getConditions(), generation, clock.instant());
    if (!problems.isEmpty()) {
      conditions.set(Conditions.READY, false, Reasons.INVALID_SPEC, String.join("; ", problems));
    } else if (allReady) {
      conditions.set(
          Conditions.READY, true, Reasons.ALL_READY, ready + " of " + wanted + " shards ready");
    } else {
      conditions.set(
          Conditions.READY,
          false,
          Reasons.SHARDS_NOT_READY,
          ready + " of " + wanted + " shards ready" + notReadyList(sorted));
    }
    boolean progressing =
        problems.isEmpty() && (sorted.size() != wanted || current != sorted.size());
    conditions.set(
        Conditions.PROGRESSING,
        progressing,
        progressing ? Reasons.SHARDS_PENDING : Reasons.STABLE,
        current + " of " + wanted + " shards have applied the current spec");
    conditions.set(
        Conditions.DEGRADED,
        anyDegraded,
        anyDegraded ? Reasons.SHARDS_NOT_READY : Reasons.AS_EXPECTED,
        anyDegraded ? "a shard is degraded" + notReadyList(sorted) : "no fault observed");
    if (cluster.getSpec().getPooler().isEnabled()) {
      conditions.set(
          Conditions.POOLER_READY,
          poolersReady && sorted.size() == wanted,
          poolersReady && sorted.size() == wanted ? Reasons.ALL_READY : Reasons.POOLER_NOT_READY,
          poolersReady ? "every shard's pooler is ready" : "a shard's pooler is not ready");
    }
    if (cluster.getSpec().getPartitions().isEmpty()) {
      conditions.set(
          Conditions.PARTITIONS_READY, true, Reasons.NO_PARTITIONS, "no partition schedules");
    } else {
      partitionsCondition(conditions, sorted, wanted);
    }
    if (cluster.getSpec().getBackup() != null) {
      // written by the restore point step; carried as it was
      next.setBackup(prev.getBackup());
      conditions.carry(Conditions.LAST_RESTORE_POINT_SUCCEEDED);
      summarize(
          conditions,
          sorted,
          wanted,
          Conditions.LAST_BACKUP_SUCCEEDED,
          "Completed",
          "the last base backup of every shard completed",
          "no base backup has ended yet on ");
      summarize(
          conditions,
          sorted,
          wanted,
          Conditions.WAL_ARCHIVING,
          "Archiving",
          "WAL archiving keeps up on every shard",
          "WAL archiving not looked at yet on ");
    }
    if (cluster.getSpec().getBootstrap() != null
        && cluster.getSpec().getBootstrap().getFromBackup() != null) {
      summarize(
          conditions,
          sorted,
          wanted,
          Conditions.RESTORED,
          "Completed",
          "every shard restored from the backups of "
              + cluster.getSpec().getBootstrap().getFromBackup().getCluster(),
          "not restored yet: ");
    }
    summarize(
        conditions,
        sorted,
        wanted,
        Conditions.UP_TO_DATE,
        "UpToDate",
        "every instance of every shard runs its target revision",
        "rollout not looked at yet on ");
    next.setConditions(conditions.build());
    return next;
  }

  /** Every shard's PartitionsReady, summed up: False names each failing shard. */
  private static void partitionsCondition(
      Conditions conditions, List<PostgresShard> shards, int wanted) {
    summarize(
        conditions,
        shards,
        wanted,
        Conditions.PARTITIONS_READY,
        Reasons.MAINTAINED,
        "partitions maintained on all " + shards.size() + " shards",
        "partition maintenance has not run on ");
  }

  /**
   * A shard condition summed up for the cluster: False (the first failing shard's reason) naming
   * each shard where it is False, with its message; Unknown while a shard has no verdict yet; True
   * when every shard's is.
   */
  static void summarize(
      Conditions conditions,
      List<PostgresShard> shards,
      int wanted,
      String type,
      String okReason,
      String okMessage,
      String pendingMessage) {
    List<String> failing = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    String reason = null;
    for (PostgresShard shard : shards) {
      List<Condition> list =
          shard.getStatus() == null ? List.of() : shard.getStatus().getConditions();
      var c = Conditions.find(list, type);
      if (c.isEmpty() || Conditions.UNKNOWN.equals(c.get().getStatus())) {
        pending.add(shard.getMetadata().getName());
      } else if (Conditions.FALSE.equals(c.get().getStatus())) {
        reason = reason == null ? c.get().getReason() : reason;
        failing.add(shard.getMetadata().getName() + ": " + c.get().getMessage());
      }
    }
    if (!failing.isEmpty()) {
      conditions.set(type, false, reason, String.join("; ", failing));
    } else if (!pending.isEmpty() || shards.size() < wanted) {
      conditions.set(
          type,
          Conditions.UNKNOWN,
          Reasons.PENDING,
          pendingMessage + (pending.isEmpty() ? "every shard" : pending));
    } else {
      conditions.set(type, true, okReason, okMessage);
    }
  }

  private static ShardSummary summary(PostgresShard shard) {
    ShardSummary summary = new ShardSummary();
    summary.setIndex(shard.getSpec().getIndex());
    summary.setName(shard.getMetadata().getName());
    summary.setHashRange(shard.getSpec().getHashRange());
    PostgresShardStatus s = shard.getStatus();
    if (s != null) {
      summary.setPrimary(s.getCurrentPrimary());
      summary.setReadyInstances(s.getReadyInstances() == null ? 0 : s.getReadyInstances());
      summary.setPhase(s.getPhase());
    }
    summary.setInstances(shard.getSpec().getReplicas() + 1);
    return summary;
  }

  private static String notReadyList(List<PostgresShard> shards) {
    List<String> notReady =
        shards.stream()
            .filter(
                s ->
                    s.getStatus() == null
                        || !Conditions.isTrue(s.getStatus().getConditions(), Conditions.READY))
            .map(
                s ->
                    s.getMetadata().getName()
                        + (s.getStatus() == null
                            ? " (no status yet)"
                            : " ("
                                + Conditions.reason(s.getStatus().getConditions(), Conditions.READY)
                                + ")"))
            .toList();
    return notReady.isEmpty() ? "" : "; not ready: " + String.join(", ", notReady);
  }
}
