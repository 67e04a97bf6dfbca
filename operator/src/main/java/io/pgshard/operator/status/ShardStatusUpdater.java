package io.pgshard.operator.status;

import io.pgshard.operator.api.v1alpha1.InstanceStatus;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.PrimaryHistoryStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.Lsn;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.PrimaryHistory;
import io.pgshard.operator.model.Labels;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a PostgresShard's status from the previous status and a {@link ShardObservation}. Pure:
 * the reconciler patches the result only when it differs from what is stored.
 */
public final class ShardStatusUpdater {

  private final Clock clock;

  public ShardStatusUpdater(Clock clock) {
    this.clock = clock;
  }

  public PostgresShardStatus update(PostgresShardStatus previous, ShardObservation seen) {
    PostgresShardStatus prev = previous == null ? new PostgresShardStatus() : previous;
    PostgresShardStatus next = new PostgresShardStatus();
    next.setObservedGeneration(seen.generation());
    next.setDesiredInstances(seen.desiredInstances());
    // failover bookkeeping and partition results belong to their controllers: carried over
    next.setTargetPrimary(prev.getTargetPrimary());
    next.setFencedPrimary(prev.getFencedPrimary());
    next.setFencedPrimaryUid(prev.getFencedPrimaryUid());
    next.setLastFailover(prev.getLastFailover());
    next.setLastPrimary(lastPrimary(prev.getLastPrimary(), seen.probed()));
    next.setBackup(prev.getBackup());
    next.setRollout(prev.getRollout());
    next.setStorage(prev.getStorage());
    next.setPartitions(
        seen.partitionTables() == 0
            ? List.of()
            : seen.partitions() == null ? prev.getPartitions() : seen.partitions());
    next.setInstances(instances(prev.getInstances(), seen));
    next.setInstancesProbedAt(
        seen.probed() == null ? prev.getInstancesProbedAt() : seen.probedAt().toString());

    Optional<ShardObservation.Instance> primary =
        seen.instances().stream().filter(i -> Labels.ROLE_PRIMARY.equals(i.role())).findFirst();
    int ready = (int) seen.instances().stream().filter(ShardObservation.Instance::ready).count();
    next.setCurrentPrimary(primary.map(ShardObservation.Instance::name).orElse(null));
    next.setReadyInstances(ready);

    Verdict verdict = verdict(prev, seen, primary, ready);
    // a shard that never had a primary is being created: its first promotion is no failover
    boolean failingOver = seen.initialized() && failingOver(prev, seen.failover());
    next.setPhase(failingOver ? Phase.FAILING_OVER.value() : verdict.phase().value());

    Conditions conditions =
        new Conditions(prev.getConditions(), seen.generation(), clock.instant());
    if (seen.problems().isEmpty()) {
      conditions.set(Conditions.READY, verdict.ready(), verdict.reason(), verdict.message());
    } else {
      conditions.set(
          Conditions.READY, false, Reasons.INVALID_SPEC, String.join("; ", seen.problems()));
    }
    boolean progressing = seen.instances().size() != seen.desiredInstances();
    conditions.set(
        Conditions.PROGRESSING,
        progressing,
        progressing
            ? (prev.getCurrentPrimary() == null ? Reasons.CREATING : Reasons.SCALING)
            : Reasons.STABLE,
        seen.instances().size() + " of " + seen.desiredInstances() + " instances exist");
    boolean degraded = verdict.phase() == Phase.DEGRADED;
    conditions.set(
        Conditions.DEGRADED,
        degraded,
        degraded ? verdict.reason() : Reasons.AS_EXPECTED,
        degraded ? verdict.message() : "no fault observed");
    if (seen.poolerEnabled()) {
      boolean poolerReady = seen.poolerReady() >= seen.poolerDesired();
      conditions.set(
          Conditions.POOLER_READY,
          poolerReady,
          poolerReady ? Reasons.ALL_READY : Reasons.POOLER_NOT_READY,
          seen.poolerReady() + " of " + seen.poolerDesired() + " PgBouncer pods ready");
    }
    partitionsCondition(conditions, seen.partitionTables(), next.getPartitions());
    if (seen.schema() != null) {
      conditions.set(
          Conditions.SCHEMA_APPLIED,
          seen.schema().applied() == null
              ? Conditions.UNKNOWN
              : seen.schema().applied() ? Conditions.TRUE : Conditions.FALSE,
          seen.schema().reason(),
          seen.schema().message());
    } else if (seen.schemaWanted()) {
      conditions.carry(Conditions.SCHEMA_APPLIED);
    }
    if (seen.initialized()) {
      failoverConditions(conditions, seen.failover());
    }
    conditions.carry(Conditions.SWITCHOVER_COMPLETED);
    conditions.carry(Conditions.LAST_BACKUP_SUCCEEDED);
    conditions.carry(Conditions.WAL_ARCHIVING);
    conditions.carry(Conditions.RESTORED);
    next.setConditions(conditions.build());
    return next;
  }

  private static final String PROBE_FAILED = "PrimaryProbeFailed";

  /**
   * PartitionsReady, present while the spec has partition schedules: True once every table was
   * maintained without error, False with the first failing table's reason, Unknown before the first
   * run.
   */
  private static void partitionsCondition(
      Conditions conditions, int tables, List<PartitionStatus> results) {
    if (tables == 0) {
      return;
    }
    List<PartitionStatus> failed = results.stream().filter(p -> p.getReason() != null).toList();
    if (!failed.isEmpty()) {
      conditions.set(
          Conditions.PARTITIONS_READY,
          false,
          failed.get(0).getReason(),
          String.join("; ", failed.stream().map(p -> p.getTable() + ": " + p.getError()).toList()));
    } else if (results.size() < tables) {
      conditions.set(
          Conditions.PARTITIONS_READY,
          Conditions.UNKNOWN,
          Reasons.PENDING,
          "partition maintenance has not run yet");
    } else {
      conditions.set(
          Conditions.PARTITIONS_READY,
          true,
          Reasons.MAINTAINED,
          String.join(
              "; ",
              results.stream()
                  .map(
                      p ->
                          p.getTable() + ": " + p.getCount() + " partitions up to " + p.getNewest())
                  .toList()));
    }
  }

  /**
   * The failover guards' memory, from the published observation (so it changes no more often than
   * the instances' positions: at once on a new timeline, else at most every 30 s), else as it was.
   */
  static PrimaryHistoryStatus lastPrimary(PrimaryHistoryStatus prev, ObservedShard probed) {
    if (probed == null
        || (probed.lastPrimaryLsn() == null
            && probed.lastPrimaryTimeline() == null
            && probed.systemIdentifier() == null)) {
      return prev;
    }
    PrimaryHistoryStatus next = new PrimaryHistoryStatus();
    next.setLsn(probed.lastPrimaryLsn() == null ? null : Lsn.format(probed.lastPrimaryLsn()));
    next.setTimeline(probed.lastPrimaryTimeline());
    next.setSystemIdentifier(probed.systemIdentifier());
    return next;
  }

  /** What status remembers, for a monitor that starts from nothing (operator restarted). */
  public static PrimaryHistory history(PostgresShardStatus status) {
    PrimaryHistoryStatus h = status == null ? null : status.getLastPrimary();
    Map<String, Long> timelines = new HashMap<>();
    if (status != null) {
      status.getInstances().stream()
          .filter(i -> i.getName() != null && i.getTimeline() != null)
          .forEach(i -> timelines.put(i.getName(), i.getTimeline()));
    }
    if (h == null) {
      return new PrimaryHistory(null, null, null, timelines);
    }
    return new PrimaryHistory(
        h.getLsn() == null ? null : Lsn.parse(h.getLsn()),
        h.getTimeline(),
        h.getSystemIdentifier(),
        timelines);
  }

  /** A new shard waiting for its first instance is bootstrapping, not failing over. */
  private static boolean blocks(FailoverDecision decision) {
    return decision instanceof FailoverDecision.Wait
        && !Conditions.PRIMARY_UNREACHABLE_FROM_OPERATOR.equals(decision.reason())
        && !"AwaitingInstance".equals(decision.reason());
  }

  /**
   * FailingOver (True while a failover cannot complete), FailoverRefused and
   * PrimaryUnreachableFromOperator (present only while True). A primary that merely failed a probe
   * or two changes nothing yet: the previous conditions are carried over.
   */
  private static void failoverConditions(Conditions conditions, FailoverDecision decision) {
    if (decision == null) {
      return;
    }
    if (PROBE_FAILED.equals(decision.reason())) {
      conditions
          .carry(Conditions.FAILING_OVER)
          .carry(Conditions.FAILOVER_REFUSED)
          .carry(Conditions.PRIMARY_UNREACHABLE_FROM_OPERATOR);
      return;
    }
    boolean unreachable =
        decision instanceof FailoverDecision.Wait
            && Conditions.PRIMARY_UNREACHABLE_FROM_OPERATOR.equals(decision.reason());
    boolean blocked = blocks(decision);
    String reason = decision instanceof FailoverDecision.Refuse ? "Refused" : decision.reason();
    conditions.set(Conditions.FAILING_OVER, blocked, reason, decision.message());
    if (decision instanceof FailoverDecision.Refuse) {
      conditions.set(Conditions.FAILOVER_REFUSED, true, decision.reason(), decision.message());
    }
    if (unreachable) {
      conditions.set(
          Conditions.PRIMARY_UNREACHABLE_FROM_OPERATOR,
          true,
          decision.reason(),
          decision.message());
    }
  }

  private static boolean failingOver(PostgresShardStatus prev, FailoverDecision decision) {
    if (decision == null) {
      return false;
    }
    if (PROBE_FAILED.equals(decision.reason())) {
      return Conditions.isTrue(prev.getConditions(), Conditions.FAILING_OVER);
    }
    return blocks(decision);
  }

  private record Verdict(Phase phase, boolean ready, String reason, String message) {}

  private static Verdict verdict(
      PostgresShardStatus prev,
      ShardObservation seen,
      Optional<ShardObservation.Instance> primary,
      int ready) {
    String counts = ready + " of " + seen.desiredInstances() + " instances ready";
    if (primary.isEmpty()) {
      return seen.initialized()
          ? new Verdict(Phase.DEGRADED, false, Reasons.NO_PRIMARY, "no primary; " + counts)
          : new Verdict(
              Phase.CREATING,
              false,
              Reasons.AWAITING_PRIMARY,
              "no instance has been promoted yet; " + counts + " (running as standbys)");
    }
    if (!primary.get().ready()) {
      return new Verdict(
          Phase.DEGRADED,
          false,
          Reasons.PRIMARY_NOT_READY,
          "primary " + primary.get().name() + " is not ready; " + counts);
    }
    boolean wasEverReady =
        prev.getPhase() != null && !Phase.CREATING.value().equals(prev.getPhase());
    if (ready < seen.desiredInstances()) {
      return new Verdict(
          wasEverReady ? Phase.DEGRADED : Phase.CREATING,
          false,
          Reasons.INSTANCES_NOT_READY,
          counts);
    }
    if (seen.poolerEnabled() && seen.poolerReady() < seen.poolerDesired()) {
      return new Verdict(
          wasEverReady ? Phase.DEGRADED : Phase.CREATING,
          false,
          Reasons.POOLER_NOT_READY,
          seen.poolerReady() + " of " + seen.poolerDesired() + " PgBouncer pods ready");
    }
    return new Verdict(
        Phase.READY, true, Reasons.ALL_READY, counts + ", primary " + primary.get().name());
  }

  /**
   * Name, role and readiness from the pods; timeline, LSNs and lag from what the instance monitor
   * published (kept from the previous status when there is nothing new; left out for an instance
   * that did not answer).
   */
  private static List<InstanceStatus> instances(
      List<InstanceStatus> previous, ShardObservation seen) {
    return seen.instances().stream()
        .sorted(Comparator.comparing(ShardObservation.Instance::name))
        .map(
            i -> {
              InstanceStatus s = new InstanceStatus();
              s.setName(i.name());
              s.setRole(i.role() == null ? "unknown" : i.role());
              s.setReady(i.ready());
              if (seen.probed() != null) {
                seen.probed().instance(i.name()).ifPresent(o -> positions(s, o, seen.probed()));
              } else {
                previous.stream()
                    .filter(p -> i.name().equals(p.getName()))
                    .findFirst()
                    .ifPresent(
                        p -> {
                          s.setTimeline(p.getTimeline());
                          s.setReceiveLsn(p.getReceiveLsn());
                          s.setReplayLsn(p.getReplayLsn());
                          s.setLagBytes(p.getLagBytes());
                          s.setRejoin(p.getRejoin());
                          s.setPendingRestart(p.getPendingRestart());
                          s.setDataFilesystemBytes(p.getDataFilesystemBytes());
                          s.setDataFilesystemAvailableBytes(p.getDataFilesystemAvailableBytes());
                        });
              }
              return s;
            })
        .toList();
  }

  private static void positions(InstanceStatus s, InstanceObservation o, ObservedShard shard) {
    if (!o.reachable()) {
      return;
    }
    s.setTimeline(o.timeline());
    s.setRejoin(o.rejoin());
    s.setPendingRestart(
        o.pendingRestart() == null || o.pendingRestart().isEmpty() ? null : o.pendingRestart());
    if (o.dataFilesystem() != null) {
      s.setDataFilesystemBytes(o.dataFilesystem().sizeBytes());
      s.setDataFilesystemAvailableBytes(o.dataFilesystem().availableBytes());
    }
    if (o.isPrimary()) {
      s.setLagBytes(0L);
      return;
    }
    s.setReceiveLsn(o.receiveLsn() == null ? null : Lsn.format(o.receiveLsn()));
    s.setReplayLsn(o.replayLsn() == null ? null : Lsn.format(o.replayLsn()));
    if (o.replayLsn() != null && shard.lastPrimaryLsn() != null) {
      s.setLagBytes(Math.max(0, shard.lastPrimaryLsn() - o.replayLsn()));
    }
  }
}
