package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.FailoverSettings;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.SwitchoverException;
import io.pgshard.operator.failover.SwitchoverExecutor;
import io.pgshard.operator.failover.SwitchoverPolicy;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.kube.KubernetesPoolers;
import io.pgshard.operator.kube.KubernetesShardControl;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.monitor.JdbcFence;
import io.pgshard.operator.monitor.JdbcPromoter;
import io.pgshard.operator.pooler.PauseLocks;
import io.pgshard.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned switchover, asked for with the {@link Labels#SWITCHOVER_TO} annotation and carried out
 * in the reconcile (it takes a second or two; other shards reconcile on other threads). Checked by
 * {@link SwitchoverPolicy}, done by {@link SwitchoverExecutor}; the outcome goes to the {@code
 * SwitchoverCompleted} condition and an event, and the annotation is removed.
 *
 * <p>Recovery after an operator restart needs no extra bookkeeping: the annotation stays until the
 * end, so the switchover is asked for again. A promotion already on record is finished by the
 * failover path first; any other attempt starts over (pause and fence are idempotent), and a
 * refused or pointless one still resumes the poolers and lifts the fence, harmless when neither was
 * in place.
 */
final class SwitchoverStep {

  static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(SwitchoverStep.class);

  private final KubernetesClient client;
  private final KubernetesEvents events;
  private final Clock clock;

  private final PauseLocks pauseLocks;

  SwitchoverStep(
      KubernetesClient client, KubernetesEvents events, Clock clock, PauseLocks pauseLocks) {
    this.pauseLocks = pauseLocks;
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /**
   * The target the shard's annotation asks for, if any. An annotation seen in the informer cache is
   * confirmed with a read from the API: the cache may still hold a request already carried out.
   */
  Optional<String> requested(PostgresShard cached) {
    if (target(cached).isEmpty()) {
      return Optional.empty();
    }
    PostgresShard fresh =
        client
            .resources(PostgresShard.class)
            .inNamespace(cached.getMetadata().getNamespace())
            .withName(cached.getMetadata().getName())
            .get();
    return fresh == null ? Optional.empty() : target(fresh);
  }

  private static Optional<String> target(PostgresShard shard) {
    var annotations = shard.getMetadata().getAnnotations();
    String target = annotations == null ? null : annotations.get(Labels.SWITCHOVER_TO);
    return target == null || target.isBlank() ? Optional.empty() : Optional.of(target.trim());
  }

  /**
   * Acts on the request; returns the shard as it stands afterwards (status and annotations
   * written), with a Promote decision when the primary moved.
   */
  FailoverStep.Outcome run(
      PostgresShard shard,
      String target,
      FailoverSettings settings,
      ObservedShard seen,
      DirectConnection connections,
      String adminUser,
      String adminPassword,
      Supplier<KubernetesShardControl> control) {
    // a cross-shard restore point pausing these poolers ends within its pause timeout; one that
    // holds them longer leaves the request in place for the next reconcile
    Optional<PauseLocks.Held> held;
    try {
      held =
          pauseLocks.acquire(
              List.of(
                  PauseLocks.key(
                      shard.getMetadata().getNamespace(), shard.getMetadata().getName())),
              LOCK_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return none(shard, seen);
    }
    if (held.isEmpty()) {
      LOG.info("switchover to {} waits: a restore point holds the poolers", target);
      return none(shard, seen);
    }
    try (PauseLocks.Held h = held.get()) {
      return locked(shard, target, settings, seen, connections, adminUser, adminPassword, control);
    }
  }

  private FailoverStep.Outcome locked(
      PostgresShard shard,
      String target,
      FailoverSettings settings,
      ObservedShard seen,
      DirectConnection connections,
      String adminUser,
      String adminPassword,
      Supplier<KubernetesShardControl> control) {
    String from = seen.labelledPrimary();
    KubernetesPoolers poolers =
        KubernetesPoolers.of(client, shard, adminUser, adminPassword, PAUSE_TIMEOUT);
    if (target.equals(from)) {
      // a switchover to here may have been cut short by an operator restart after the promotion
      poolers.resume();
      return none(finish(shard, true, "AlreadyPrimary", target + " is the primary"), seen);
    }
    Optional<FailoverDecision.Refuse> refusal = SwitchoverPolicy.check(settings, seen, target);
    if (refusal.isPresent()) {
      try (JdbcFence fence = new JdbcFence(connections)) {
        poolers.resume();
        if (from != null && seen.instance(from).map(i -> i.isPrimary()).orElse(false)) {
          fence.unfence(from);
        }
      }
      events.warning(shard, "SwitchoverRefused", refusal.get().message());
      return none(finish(shard, false, refusal.get().reason(), refusal.get().message()), seen);
    }
    LOG.info("switchover from {} to {}: pausing {} pooler(s)", from, target, poolers.addresses());
    long started = clock.millis();
    KubernetesShardControl shardControl = control.get();
    String timings;
    try (JdbcFence fence = new JdbcFence(connections)) {
      SwitchoverExecutor executor =
          new SwitchoverExecutor(
              shardControl,
              new JdbcPromoter(connections),
              poolers,
              fence,
              clock::millis,
              Thread::sleep,
              CATCH_UP_TIMEOUT);
      executor.execute(from, target);
      timings = executor.timings();
    } catch (SwitchoverException e) {
      LOG.warn("switchover to {} failed: {}", target, e.getMessage());
      events.warning(shard, "SwitchoverFailed", e.getMessage());
      return none(finish(shardControl.current(), false, e.reason(), e.getMessage()), seen);
    }
    String message =
        target
            + " took over from "
            + from
            + " in "
            + (clock.millis() - started)
            + " ms ("
            + timings
            + ")";
    events.normal(shard, "SwitchoverCompleted", message);
    return new FailoverStep.Outcome(
        finish(shardControl.current(), true, "Completed", message),
        new FailoverDecision.Promote(target, from, 0, "Switchover", message),
        Optional.empty());
  }

  private static FailoverStep.Outcome none(PostgresShard shard, ObservedShard seen) {
    return new FailoverStep.Outcome(
        shard,
        new FailoverDecision.None("PrimaryHealthy", seen.labelledPrimary() + " is healthy"),
        Optional.empty());
  }

  /** Records the outcome in the condition, then removes the request (if one was made). */
  private PostgresShard finish(PostgresShard shard, boolean done, String reason, String message) {
    PostgresShardStatus status =
        shard.getStatus() == null ? new PostgresShardStatus() : shard.getStatus();
    long generation = Conditions.generation(shard);
    status.setConditions(
        Conditions.with(
            status.getConditions(),
            generation,
            clock.instant(),
            Conditions.SWITCHOVER_COMPLETED,
            done,
            reason,
            message));
    shard.setStatus(status);
    PostgresShard written = client.resource(shard).updateStatus();
    if (target(written).isEmpty()) {
      // a handover of a Terminating primary: nobody asked with the annotation
      return written;
    }
    return client
        .resources(PostgresShard.class)
        .inNamespace(written.getMetadata().getNamespace())
        .withName(written.getMetadata().getName())
        .edit(
            s -> {
              s.getMetadata().getAnnotations().remove(Labels.SWITCHOVER_TO);
              return s;
            });
  }
}
