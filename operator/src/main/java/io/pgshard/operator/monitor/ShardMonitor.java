package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Probes every instance of one shard (in parallel, so one slow instance does not delay the others)
 * and keeps what the policy needs across probes: consecutive failures of the labelled primary, the
 * last WAL position seen on it, the shard's system identifier.
 */
public final class ShardMonitor implements AutoCloseable {

  private final BiFunction<String, Integer, InstanceProbe> probeFactory;
  private final ExecutorService executor;
  private final Map<String, InstanceProbe> probes = new HashMap<>();

  private String trackedPrimary;
  private int primaryFailures;
  private Long lastPrimaryLsn;
  private String systemIdentifier;

  /** {@code probeFactory}: (pod, ordinal) to a probe of that instance. */
  public ShardMonitor(
      BiFunction<String, Integer, InstanceProbe> probeFactory, ExecutorService executor) {
    this.probeFactory = probeFactory;
    this.executor = executor;
  }

  /**
   * @param pods the shard's instances, pod name to ordinal (probes follow additions and removals)
   */
  public synchronized ObservedShard observe(
      Map<String, Integer> pods,
      String labelledPrimary,
      boolean labelledPrimaryPodExists,
      String targetPrimary,
      boolean initialized) {
    syncProbes(pods);
    List<InstanceObservation> seen = probeAll();
    if (labelledPrimary == null || !labelledPrimary.equals(trackedPrimary)) {
      trackedPrimary = labelledPrimary;
      primaryFailures = 0;
    }
    InstanceObservation primary =
        seen.stream().filter(i -> i.pod().equals(labelledPrimary)).findFirst().orElse(null);
    if (primary != null && primary.isPrimary()) {
      primaryFailures = 0;
      lastPrimaryLsn = primary.currentLsn();
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
        seen);
  }

  private void syncProbes(Map<String, Integer> pods) {
    probes
        .entrySet()
        .removeIf(
            e -> {
              if (!pods.containsKey(e.getKey())) {
                e.getValue().close();
                return true;
              }
              return false;
            });
    pods.forEach(
        (pod, ordinal) -> probes.computeIfAbsent(pod, p -> probeFactory.apply(p, ordinal)));
  }

  private List<InstanceObservation> probeAll() {
    List<Future<InstanceObservation>> pending = new ArrayList<>();
    for (InstanceProbe probe : probes.values()) {
      pending.add(executor.submit(probe::probe));
    }
    List<InstanceObservation> seen = new ArrayList<>();
    for (Future<InstanceObservation> f : pending) {
      try {
        seen.add(f.get());
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
    probes.values().forEach(InstanceProbe::close);
    probes.clear();
  }
}
