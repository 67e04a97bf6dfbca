package io.pgshard.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pgshard.operator.maintenance.PartitionResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pgshard_partitions (range partitions attached, per table and shard),
 * pgshard_partition_maintenance_duration_seconds (one run of a shard, every table) and
 * pgshard_partition_maintenance_errors_total (per table and reason).
 */
public final class PartitionMetrics {

  private final MeterRegistry registry;
  private final Map<Tags, AtomicLong> partitions = new ConcurrentHashMap<>();

  public PartitionMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String cluster, String shard, PartitionResult result) {
    Tags tags = Tags.of("cluster", cluster, "shard", shard, "table", result.table());
    if (result.failed()) {
      Counter.builder("pgshard_partition_maintenance_errors_total")
          .description("Partition maintenance runs of a table that failed")
          .tags(tags.and("reason", result.reason()))
          .register(registry)
          .increment();
      return;
    }
    partitions
        .computeIfAbsent(
            tags,
            t -> {
              AtomicLong value = new AtomicLong();
              Gauge.builder("pgshard_partitions", value, AtomicLong::get)
                  .description("Range partitions attached to the table")
                  .tags(t)
                  .register(registry);
              return value;
            })
        .set(result.partitions());
  }

  public void run(String cluster, String shard, Duration took) {
    Timer.builder("pgshard_partition_maintenance_duration_seconds")
        .description("One partition maintenance run of a shard, all its tables")
        .tags("cluster", cluster, "shard", shard)
        .register(registry)
        .record(took);
  }
}
