package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.ObservationChanges;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.PrimaryHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every tracked shard in the background, one round per probe interval (a quarter of it while
 * the primary fails probes), and tells a {@link Listener} after each round whether the shard should
 * be reconciled. The reconcile takes the last round's observation instead of probing again, so a
 * failed probe is counted once, however often the shard is reconciled.
 *
 * <p>A round probes what the last reconcile saw in the informer caches ({@link Inputs}); when a
 * reconcile sees something else (a new pod address, another labelled primary, a promotion on
 * record), it probes at once. A shard not reconciled for {@code idleAfter} has gone away without
 * its delete event reaching us: its loop stops and its connections close.
 *
 * <p>For status, a {@link Snapshot} is kept apart: refreshed on every meaningful change, and when
 * only WAL positions moved, at most every {@code publishEvery}. Status written from it changes at
 * most that often on a healthy, busy shard.
 */
public final class ProbeLoops implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeLoops.class);
  private static final long MIN_ROUND_MILLIS = 100;

  /** Which shard: namespace and name, and the cluster it belongs to (metrics are labelled so). */
  public record ShardRef(String namespace, String name, String cluster) {}

  /**
   * What a round probes, as the last reconcile saw it. {@code readyPods} is not probed: a pod's
   * readiness changing (the kubelet saw its container die, say) is news that starts a round at once
   * instead of at the next interval.
   */
  public record Inputs(
      Map<String, ShardMonitor.Endpoint> pods,
      Set<String> readyPods,
      String labelledPrimary,
      boolean labelledPrimaryPodExists,
      String targetPrimary,
      boolean initialized,
      boolean labelledPrimaryTerminating,
      PrimaryHistory persisted) {

    public Inputs {
      pods = Collections.unmodifiableMap(new LinkedHashMap<>(pods));
      readyPods = Set.copyOf(readyPods);
      persisted = persisted == null ? PrimaryHistory.NONE : persisted;
    }

    public Inputs(
        Map<String, ShardMonitor.Endpoint> pods,
        Set<String> readyPods,
        String labelledPrimary,
        boolean labelledPrimaryPodExists,
        String targetPrimary,
        boolean initialized) {
      this(
          pods,
          readyPods,
          labelledPrimary,
          labelledPrimaryPodExists,
          targetPrimary,
          initialized,
          false,
          PrimaryHistory.NONE);
    }
  }

  /** An observation for status, and when it was made. */
  public record Snapshot(ObservedShard shard, Instant at) {}

  /** Told after every round. */
  public interface Listener {
    /**
     * @param reconcile whether something changed that the reconcile acts on or publishes
     */
    void observed(ShardRef shard, ObservedShard seen, boolean reconcile);
  }

  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration publishEvery;
  private final Duration idleAfter;
  private final Listener listener;
  private final Map<ShardRef, Loop> loops = new HashMap<>();

  public ProbeLoops(
      ScheduledExecutorService scheduler,
      Clock clock,
      Duration publishEvery,
      Duration idleAfter,
      Listener listener) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.publishEvery = publishEvery;
    this.idleAfter = idleAfter;
    this.listener = listener;
  }

  /**
   * The shard's latest observation. Probes now when the shard is new to us or {@code inputs} differ
   * from what the last round probed; otherwise returns that round's result.
   *
   * @param monitor creates the shard's monitor the first time
   */
  public ObservedShard observe(
      ShardRef shard, Inputs inputs, Duration interval, Supplier<ShardMonitor> monitor) {
    while (true) {
      Loop loop;
      synchronized (this) {
        loop = loops.computeIfAbsent(shard, s -> new Loop(s, monitor.get()));
      }
      Optional<Round> round = loop.observe(inputs, interval);
      if (round.isPresent()) {
        if (round.get().probed()) {
          listener.observed(shard, round.get().seen(), false);
        }
        return round.get().seen();
      }
      // the loop closed as idle between lookup and use: start a new one
      synchronized (this) {
        loops.remove(shard, loop);
      }
    }
  }

  /** The observation status is written from, once the shard has been probed. */
  public Optional<Snapshot> published(ShardRef shard) {
    Loop loop;
    synchronized (this) {
      loop = loops.get(shard);
    }
    return loop == null ? Optional.empty() : loop.published();
  }

  /** Stops probing a shard and closes its connections (it was deleted). */
  public void forget(ShardRef shard) {
    Loop loop;
    synchronized (this) {
      loop = loops.remove(shard);
    }
    if (loop != null) {
      loop.close();
    }
  }

  public synchronized int size() {
    return loops.size();
  }

  @Override
  public void close() {
    List<Loop> all;
    synchronized (this) {
      all = List.copyOf(loops.values());
      loops.clear();
    }
    all.forEach(Loop::close);
  }

  private record Round(ObservedShard seen, boolean probed) {}

  private final class Loop {
    private final ShardRef shard;
    private final ShardMonitor monitor;
    private Inputs inputs;
    private Duration interval;
    private ObservedShard latest;
    private Snapshot published;
    private long touchedMillis;
    private ScheduledFuture<?> next;
    private boolean closed;

    Loop(ShardRef shard, ShardMonitor monitor) {
      this.shard = shard;
      this.monitor = monitor;
    }

    synchronized Optional<Round> observe(Inputs inputs, Duration interval) {
      if (closed) {
        return Optional.empty();
      }
      touchedMillis = clock.millis();
      this.interval = interval;
      if (latest != null && inputs.equals(this.inputs)) {
        return Optional.of(new Round(latest, false));
      }
      this.inputs = inputs;
      round();
      schedule();
      return Optional.of(new Round(latest, true));
    }

    synchronized Optional<Snapshot> published() {
      return Optional.ofNullable(published);
    }

    void tick() {
      ObservedShard seen;
      boolean reconcile;
      synchronized (this) {
        if (closed) {
          return;
        }
        if (clock.millis() - touchedMillis > idleAfter.toMillis()) {
          LOG.info(
              "{}/{} not reconciled for {}: probes stopped",
              shard.namespace(),
              shard.name(),
              idleAfter);
          close();
          synchronized (ProbeLoops.this) {
            loops.remove(shard, this);
          }
          return;
        }
        reconcile = round();
        seen = latest;
        schedule();
      }
      listener.observed(shard, seen, reconcile);
    }

    /** Probes every instance; true when the shard should be reconciled for what it found. */
    private boolean round() {
      ObservedShard next =
          monitor.observe(
              inputs.pods(),
              inputs.labelledPrimary(),
              inputs.labelledPrimaryPodExists(),
              inputs.targetPrimary(),
              inputs.initialized(),
              inputs.labelledPrimaryTerminating(),
              inputs.persisted());
      boolean meaningful = ObservationChanges.meaningful(latest, next);
      latest = next;
      Instant now = clock.instant();
      boolean stale =
          published != null
              && !Duration.between(published.at(), now).minus(publishEvery).isNegative()
              && ObservationChanges.positionsMoved(published.shard(), next);
      if (meaningful || stale || published == null) {
        published = new Snapshot(next, now);
        return true;
      }
      return false;
    }

    private void schedule() {
      if (next != null) {
        next.cancel(false);
      }
      long millis = interval.toMillis();
      if (latest != null && latest.primaryFailures() > 0) {
        millis = Math.max(MIN_ROUND_MILLIS, millis / 4);
      }
      next = scheduler.schedule(this::tickSafely, millis, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
      try {
        tick();
      } catch (RuntimeException e) {
        // a round that threw is retried next interval; the loop must not die with it
        LOG.warn("probe round of {}/{} failed", shard.namespace(), shard.name(), e);
        synchronized (this) {
          if (!closed) {
            schedule();
          }
        }
      }
    }

    synchronized void close() {
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
      monitor.close();
    }
  }
}
