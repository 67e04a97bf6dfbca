package io.pgshard.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * pgshard_instance_up (1 when the operator's last probe got an answer) and
 * pgshard_replication_lag_bytes (a standby's replay position behind the primary's last seen WAL
 * position), per pod. Live values belong in metrics, not in status: status changes would be API
 * writes every second.
 */
public final class InstanceMetrics {

  private record Key(String cluster, String shard, String pod) {}

  private final MeterRegistry registry;
  private final Map<Key, AtomicLong> up = new HashMap<>();
  private final Map<Key, AtomicLong> lag = new HashMap<>();

  public InstanceMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public synchronized void record(String cluster, String name, ObservedShard seen) {
    Set<String> pods =
        seen.instances().stream().map(InstanceObservation::pod).collect(Collectors.toSet());
    for (InstanceObservation i : seen.instances()) {
      Key key = new Key(cluster, name, i.pod());
      gauge(
              up,
              key,
              "pgshard_instance_up",
              "1 when the instance answered the operator's last probe")
          .set(i.reachable() ? 1 : 0);
      if (i.isStandby() && i.replayLsn() != null && seen.lastPrimaryLsn() != null) {
        gauge(lag, key, "pgshard_replication_lag_bytes", "WAL bytes a standby has yet to replay")
            .set(Math.max(0, seen.lastPrimaryLsn() - i.replayLsn()));
      } else if (i.isPrimary()) {
        gauge(lag, key, "pgshard_replication_lag_bytes", "WAL bytes a standby has yet to replay")
            .set(0);
      }
    }
    forget(up, "pgshard_instance_up", cluster, name, pods);
    forget(lag, "pgshard_replication_lag_bytes", cluster, name, pods);
  }

  private AtomicLong gauge(Map<Key, AtomicLong> gauges, Key key, String metric, String help) {
    return gauges.computeIfAbsent(
        key,
        k -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(metric, value, AtomicLong::get)
              .description(help)
              .tags(tags(k))
              .register(registry);
          return value;
        });
  }

  /** Pods that left the shard take their gauges with them. */
  private void forget(
      Map<Key, AtomicLong> gauges, String metric, String cluster, String shard, Set<String> pods) {
    gauges
        .keySet()
        .removeIf(
            k -> {
              if (k.cluster().equals(cluster)
                  && k.shard().equals(shard)
                  && !pods.contains(k.pod())) {
                registry.find(metric).tags(tags(k)).meters().forEach(registry::remove);
                return true;
              }
              return false;
            });
  }

  private static Tags tags(Key key) {
    return Tags.of("cluster", key.cluster(), "shard", key.shard(), "pod", key.pod());
  }
}
