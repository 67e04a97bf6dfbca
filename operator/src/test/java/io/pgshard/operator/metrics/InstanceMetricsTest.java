package io.pgshard.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceMetricsTest {

  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  InstanceMetrics metrics = new InstanceMetrics(registry);

  static InstanceObservation primary(String pod) {
    return new InstanceObservation(
        pod, 0, true, false, 2L, null, null, 10_000L, false, null, "1", false, null);
  }

  static InstanceObservation standby(String pod, long replay) {
    return new InstanceObservation(
        pod, 1, true, true, 2L, replay, replay, null, true, null, "1", false, null);
  }

  static ObservedShard seen(InstanceObservation... instances) {
    return new ObservedShard(
        "orders-shard-0-0", true, 0, 10_000L, "1", null, true, List.of(instances), null, false);
  }

  double gauge(String name, String pod) {
    return registry.get(name).tag("pod", pod).gauge().value();
  }

  @Test
  void reportsWhoAnswersAndHowFarEachStandbyIsBehindThePrimary() {
    metrics.record(
        "orders",
        "orders-shard-0",
        seen(
            primary("orders-shard-0-0"),
            standby("orders-shard-0-1", 9_000L),
            InstanceObservation.unreachable("orders-shard-0-2", 2)));

    assertThat(gauge("pgshard_instance_up", "orders-shard-0-0")).isEqualTo(1);
    assertThat(gauge("pgshard_instance_up", "orders-shard-0-2")).isZero();
    assertThat(gauge("pgshard_replication_lag_bytes", "orders-shard-0-1")).isEqualTo(1_000);
    assertThat(gauge("pgshard_replication_lag_bytes", "orders-shard-0-0")).isZero();
    assertThat(
            registry
                .get("pgshard_instance_up")
                .tag("pod", "orders-shard-0-0")
                .gauge()
                .getId()
                .getTag("cluster"))
        .isEqualTo("orders");
  }

  @Test
  void anInstanceThatLeftTheShardTakesItsGaugesWithIt() {
    metrics.record(
        "orders",
        "orders-shard-0",
        seen(primary("orders-shard-0-0"), standby("orders-shard-0-1", 9_000L)));
    metrics.record("orders", "orders-shard-0", seen(primary("orders-shard-0-0")));

    assertThat(registry.find("pgshard_instance_up").tag("pod", "orders-shard-0-1").gauges())
        .isEmpty();
    assertThat(
            registry.find("pgshard_replication_lag_bytes").tag("pod", "orders-shard-0-1").gauges())
        .isEmpty();
    assertThat(gauge("pgshard_instance_up", "orders-shard-0-0")).isEqualTo(1);
  }
}
