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

/**
 * Probes every instance of one shard (in parallel, so one slow instance does not delay the others)
 * and keeps what the policy needs across probes: consecutive failures of the labelled primary, the
 * last WAL position seen on it, the shard's system identifier.
 */
public final class ShardMonitor implements AutoCloseable {

  /** Where an instance is: its ordinal and its address (null while the pod has none). */
  public record Endpoint(int ordinal, String host) {}

  /** (pod, endpoint) to a probe of that instance. */
  public interface ProbeFactory {
    Probe create(String pod, Endpoint endpoint);
  }

  private final ProbeFactory probeFactory;
  private final ExecutorService executor;
  private final Map<String, Probe> probes = new HashMap<>();
  private final Map<String, Endpoint> endpoints = new HashMap<>();

  private String trackedPrimary;
  private int primaryFailures;
  private Long lastPrimaryLsn;
  private String systemIdentifier;

  public ShardMonitor(ProbeFactory probeFactory, ExecutorService executor) {
    this.probeFactory = probeFactory;
    this.executor = executor;
  }

  /**
   * @param pods the shard's instances (probes follow additions, removals and new addresses)
   */
  public synchronized ObservedShard observe(
      Map<String, Endpoint> pods,
      String labelledPrimary,
      boolean labelledPrimaryPodExists,
      String targetPrimary,
      boolean initialized) {
    syncProbes(pods);
    List<InstanceObservation> seen = probeAll(pods);
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

  private void syncProbes(Map<String, Endpoint> pods) {
    for (String pod : List.copyOf(probes.keySet())) {
      Endpoint now = pods.get(pod);
      if (now == null || now.host() == null || !now.equals(endpoints.get(pod))) {
        probes.remove(pod).close();
        endpoints.remove(pod);
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
    List<InstanceObservation> seen = new ArrayList<>();
    for (var entry : pods.entrySet()) {
      Future<InstanceObservation> f = pending.get(entry.getKey());
      if (f == null) {
        // no address yet (not scheduled, or just recreated): nothing to probe
        seen.add(InstanceObservation.unreachable(entry.getKey(), entry.getValue().ordinal()));
        continue;
      }
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
    probes.values().forEach(Probe::close);
    probes.clear();
  }
}
