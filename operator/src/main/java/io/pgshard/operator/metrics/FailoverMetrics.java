package io.pgshard.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.failover.FailoverDecision;
import java.time.Duration;

/** pgshard_failovers_total and pgshard_failover_duration_seconds. */
public final class FailoverMetrics {

  private final MeterRegistry registry;

  public FailoverMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void promoted(
      PostgresShard shard, FailoverDecision.Promote promotion, long durationMillis) {
    Counter.builder("pgshard_failovers_total")
        .description("Promotions performed, by reason (InitialPromotion for a new shard)")
        .tag("cluster", shard.getSpec().getClusterName())
        .tag("shard", shard.getMetadata().getName())
        .tag("reason", promotion.reason())
        .register(registry)
        .increment();
    Timer.builder("pgshard_failover_duration_seconds")
        .description("From the decision to promote to the promoted instance accepting writes")
        .tag("cluster", shard.getSpec().getClusterName())
        .tag("shard", shard.getMetadata().getName())
        .register(registry)
        .record(Duration.ofMillis(durationMillis));
  }
}
