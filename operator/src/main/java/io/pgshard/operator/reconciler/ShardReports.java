package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.pgshard.operator.api.v1alpha1.InstanceStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.ShardConfigMaps;
import io.pgshard.operator.model.SpecProblem;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.status.Reasons;
import io.pgshard.operator.status.RestoreFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a shard's reconcile tells the user beyond the status it computes: an event for each newly
 * reported rejoin, and a Warning event (once) with the Ready condition for a refused spec or
 * objects the API server would not take.
 */
final class ShardReports {

  /** A rejoin seen first after an operator restart is reported when it is this recent. */
  private static final Duration FRESH = Duration.ofMinutes(10);

  private final KubernetesEvents events;

  ShardReports(KubernetesEvents events) {
    this.events = events;
  }

  /**
   * An event when an instance newly reports that it diverged and was rewound (Normal) or had to be
   * cloned again (Warning: its data was discarded).
   */
  void rejoins(PostgresShard shard, PostgresShardStatus previous, PostgresShardStatus next) {
    for (InstanceStatus instance : next.getInstances()) {
      String now = instance.getRejoin();
      String before =
          previous == null
              ? null
              : previous.getInstances().stream()
                  .filter(p -> instance.getName().equals(p.getName()))
                  .findFirst()
                  .map(InstanceStatus::getRejoin)
                  .orElse(null);
      if (now == null
          || now.equals(before)
          || (previous != null && before == null && !fresh(now))) {
        continue;
      }
      if (now.startsWith("recloned")) {
        events.warning(
            shard,
            "InstanceRecloned",
            instance.getName()
                + " diverged from the primary's history and could not be rewound: its data was"
                + " discarded and copied again from the primary ("
                + now
                + ")");
      } else {
        events.normal(
            shard,
            "InstanceRewound",
            instance.getName()
                + " diverged from the primary's history (WAL the primary never had) and was"
                + " rewound with pg_rewind ("
                + now
                + ")");
      }
    }
  }

  /** A rejoin ("rewound 2026-…" or "recloned 2026-…") recorded in the last ten minutes. */
  private static boolean fresh(String rejoin) {
    try {
      Instant at = Instant.parse(rejoin.substring(rejoin.indexOf(' ') + 1));
      return at.isAfter(Instant.now().minus(FRESH));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Ready=False with reason ObjectsNotApplied and the API server's message; an event once. */
  void objectsNotApplied(PostgresShard shard, PostgresShardStatus status, String message) {
    notReady(shard, status, Reasons.OBJECTS_NOT_APPLIED, message);
  }

  /**
   * Ready=False with {@code reason} and {@code message}, and a Warning event once (not again while
   * Ready keeps that reason).
   */
  void notReady(PostgresShard shard, PostgresShardStatus status, String reason, String message) {
    PostgresShardStatus previous = shard.getStatus();
    long generation = Conditions.generation(shard);
    status.setConditions(
        Conditions.with(
            status.getConditions(),
            generation,
            Instant.now(),
            Conditions.READY,
            false,
            reason,
            message));
    if (!readyReasonWas(previous, reason)) {
      events.warning(shard, reason, message);
    }
  }

  /** A Warning event for a refused spec, once: not again while Ready says InvalidSpec. */
  void invalidSpec(PostgresShard shard, List<SpecProblem> problems) {
    if (!problems.isEmpty() && !readyReasonWas(shard.getStatus(), Reasons.INVALID_SPEC)) {
      events.warning(shard, Reasons.INVALID_SPEC, problems.toString());
    }
  }

  private static boolean readyReasonWas(PostgresShardStatus previous, String reason) {
    return previous != null
        && reason.equals(Conditions.reason(previous.getConditions(), Conditions.READY));
  }

  /** Whether {@code e} (or the thread) says the operator is stopping. */
  static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  /** The innermost cause's message: what the API server said, without the wrappers. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * With spec.bootstrap.fromBackup, the Restored condition: False with the restore's own words (the
   * instance's termination message) and a Warning event while the first primary cannot come from
   * the backups; True once the shard has a primary. Without it, no such condition.
   */
  void restore(PostgresShard shard, List<Pod> pods, PostgresShardStatus next, Instant now) {
    if (ShardConfigMaps.fromBackup(shard) == null) {
      next.setConditions(Conditions.without(next.getConditions(), Conditions.RESTORED));
      return;
    }
    long generation = Conditions.generation(shard);
    if (next.getCurrentPrimary() != null) {
      if (!Conditions.isTrue(next.getConditions(), Conditions.RESTORED)) {
        next.setConditions(
            Conditions.with(
                next.getConditions(),
                generation,
                now,
                Conditions.RESTORED,
                true,
                "Completed",
                "restored from the backups of " + ShardConfigMaps.fromBackup(shard).getCluster()));
      }
      return;
    }
    Optional<String> failure = RestoreFailures.of(pods);
    if (failure.isEmpty()) {
      return;
    }
    String message = failure.get();
    Optional<Condition> before = Conditions.find(next.getConditions(), Conditions.RESTORED);
    if (before.isEmpty() || !message.equals(before.get().getMessage())) {
      events.warning(shard, "RestoreFailed", message);
    }
    next.setConditions(
        Conditions.with(
            next.getConditions(),
            generation,
            now,
            Conditions.RESTORED,
            false,
            "RestoreFailed",
            message));
  }
}
