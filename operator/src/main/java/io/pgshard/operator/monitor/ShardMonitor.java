package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.PrimaryHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes every instance of one shard (in parallel, so one slow instance does not delay the others)
 * and keeps what the policy needs across probes: consecutive failures of the labelled primary, the
 * last WAL position and timeline seen on it, the shard's system identifier, and the timeline each
 * standby was last seen streaming on.
 *
 * <p>A round waits at most {@code deadline} for each probe: a frozen instance (its kernel accepts
 * connections, nothing answers) or one cut off by the network counts as unreachable at the deadline
 * instead of holding the round until a socket timeout. What the guards remember starts from the
 * status ({@link PrimaryHistory}) when the operator has just started.
 */
public final class ShardMonitor implements AutoCloseable {

  /** Where an instance is: its ordinal and its address (null while the pod has none). */
  public record Endpoint(int ordinal, String host) {}

  /** (pod, endpoint) to a probe of that instance. */
  public interface ProbeFactory {
    Probe create(String pod, Endpoint endpoint);
  }

  /** How long a round waits for a probe when no deadline is given. */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

  private final ProbeFactory probeFactory;
  private final ExecutorService executor;
  private final Duration deadline;
  private final Map<String, Probe> probes = new HashMap<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();
  private final Map<String, Long> streamedTimelines = new HashMap<>();

  private String trackedPrimary;
  private int primaryFailures;
  private Long lastPrimaryLsn;
  private Long lastPrimaryTimeline;
  private String systemIdentifier;
  private boolean seeded;

  public ShardMonitor(ProbeFactory probeFactory, ExecutorService executor) {
    this(probeFactory, executor, DEFAULT_DEADLINE);
  }

  public ShardMonitor(ProbeFactory probeFactory, ExecutorService executor, Duration deadline) {
    this.probeFactory = probeFactory;
    this.executor = executor;
    this.deadline = deadline;
  }

  /**
   * @param pods the shard's instances (probes follow additions, removals and new addresses)
   */
  public ObservedShard observe(
      Map<String, Endpoint> pods,
      String labelledPrimary,
      boolean labelledPrimaryPodExists,
      String targetPrimary,
      boolean initialized) {
    return observe(
        pods,
        labelledPrimary,
        labelledPrimaryPodExists,
        targetPrimary,
        initialized,
        false,
        PrimaryHistory.NONE);
  }

  /**
   * @param terminating whether the labelled primary's pod is being deleted
   * @param persisted what status remembers of the last primary (used until seen afresh)
   */
  public synchronized ObservedShard observe(
      Map<String, Endpoint> pods,
      String labelledPrimary,
      boolean labelledPrimaryPodExists,
      String targetPrimary,
      boolean initialized,
      boolean terminating,
      PrimaryHistory persisted) {
    if (lastPrimaryLsn == null) {
      lastPrimaryLsn = persisted.lsn();
    }
    if (lastPrimaryTimeline == null) {
      lastPrimaryTimeline = persisted.timeline();
    }
    if (systemIdentifier == null) {
      systemIdentifier = persisted.systemIdentifier();
    }
    if (!seeded) {
      // a monitor that starts (operator restart, new leader) credits each instance with the
      // timeline status last saw it on, as if it had seen it streaming there itself
      seeded = true;
      persisted.instanceTimelines().forEach(streamedTimelines::putIfAbsent);
    }
    syncProbes(pods);
    List<InstanceObservation> seen = withStreamedTimelines(probeAll(pods));
    if (labelledPrimary == null || !labelledPrimary.equals(trackedPrimary)) {
      trackedPrimary = labelledPrimary;
      primaryFailures = 0;
    }
    InstanceObservation primary =
        seen.stream().filter(i -> i.pod().equals(labelledPrimary)).findFirst().orElse(null);
    if (primary != null && primary.isPrimary()) {
      primaryFailures = 0;
      lastPrimaryLsn = primary.currentLsn();
      if (primary.timeline() != null) {
        lastPrimaryTimeline = primary.timeline();
      }
      if (systemIdentifier == null) {
        systemIdentifier = primary.systemIdentifier();
      }
    } else if (labelledPrimary != null) {
      primaryFailures++;
    }
    return new ObservedShard(
        labelledPrimary,
        labelledPrimaryPodExists,
        primaryFailures,
        lastPrimaryLsn,
        systemIdentifier,
        targetPrimary,
        initialized,
        seen,
        lastPrimaryTimeline,
        terminating);
  }

  /**
   * A standby reports the timeline it receives on while its WAL receiver runs, else its last
   * checkpoint's, which lags behind a timeline switch until the next restartpoint. When the primary
   * has died no receiver runs, so a standby that followed the last switch would look as if it had
   * not: each standby is credited with the newest timeline it was seen streaming on.
   */
  private List<InstanceObservation> withStreamedTimelines(List<InstanceObservation> seen) {
    List<InstanceObservation> out = new ArrayList<>(seen.size());
    for (InstanceObservation i : seen) {
      if (!i.isStandby() || i.timeline() == null) {
        out.add(i);
        continue;
      }
      Long streamed = streamedTimelines.get(i.pod());
      if (i.streaming()) {
        streamedTimelines.put(i.pod(), i.timeline());
        out.add(i);
      } else if (streamed != null && streamed > i.timeline()) {
        out.add(i.withTimeline(streamed));
      } else {
        out.add(i);
      }
    }
    return out;
  }

  private void syncProbes(Map<String, Endpoint> pods) {
    for (String pod : List.copyOf(probes.keySet())) {
      Endpoint now = pods.get(pod);
      if (now == null || now.host() == null || !now.equals(endpoints.get(pod))) {
        probes.remove(pod).close();
        endpoints.remove(pod);
        // a new pod (or address) starts over: it may have been cloned or rewound meanwhile
        streamedTimelines.remove(pod);
      }
    }
    pods.forEach(
        (pod, endpoint) -> {
          if (endpoint.host() != null && !probes.containsKey(pod)) {
            probes.put(pod, probeFactory.create(pod, endpoint));
            endpoints.put(pod, endpoint);
          }
        });
  }

  private List<InstanceObservation> probeAll(Map<String, Endpoint> pods) {
    Map<String, Future<InstanceObservation>> pending = new HashMap<>();
    probes.forEach((pod, probe) -> pending.put(pod, executor.submit(probe::probe)));
    long until = System.nanoTime() + deadline.toNanos();
    List<InstanceObservation> seen = new ArrayList<>();
    for (var entry : pods.entrySet()) {
      Future<InstanceObservation> f = pending.get(entry.getKey());
      if (f == null) {
        // no address yet (not scheduled, or just recreated): nothing to probe
        seen.add(InstanceObservation.unreachable(entry.getKey(), entry.getValue().ordinal()));
        continue;
      }
      try {
        seen.add(f.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        // frozen or cut off: unreachable now; the blocked probe ends at its socket timeout
        f.cancel(false);
        probes.get(entry.getKey()).abandon();
        seen.add(InstanceObservation.unreachable(entry.getKey(), entry.getValue().ordinal()));
      } catch (ExecutionException e) {
        throw new IllegalStateException("a probe threw: probes report failures as unreachable", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while probing", e);
      }
    }
    return seen;
  }

  @Override
  public synchronized void close() {
    probes.values().forEach(Probe::close);
    probes.clear();
  }
}
