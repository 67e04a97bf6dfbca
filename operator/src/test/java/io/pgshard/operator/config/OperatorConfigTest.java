package io.pgshard.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaultsWatchEverythingWithLeaderElectionAndServerSideApply() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
    assertThat(config.watchNamespaces()).isEmpty();
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.useServerSideApply()).isTrue();
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.logLevel()).isEqualTo("INFO");
    assertThat(config.leaseNamespace()).isNull();
    assertThat(config.defaultProbeInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.instanceMonitor()).isTrue();
    assertThat(config.exitOnLostLease()).isTrue();
  }

  @Test
  void readsEveryVariable() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "PGSHARD_WATCH_NAMESPACES", " shop, billing ,",
                "PGSHARD_LOG_LEVEL", "debug",
                "PGSHARD_LEADER_ELECTION", "false",
                "PGSHARD_LEASE_NAMESPACE", "pgshard-system",
                "POD_NAME", "pgshard-operator-abc",
                "PGSHARD_HTTP_PORT", "9090",
                "PGSHARD_RECONCILE_THREADS", "4",
                "PGSHARD_SERVER_SIDE_APPLY", "false",
                "PGSHARD_DEFAULT_PROBE_INTERVAL_MS", "500",
                "PGSHARD_INSTANCE_MONITOR", "false"));
    assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("shop", "billing");
    assertThat(config.logLevel()).isEqualTo("DEBUG");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.leaseNamespace()).isEqualTo("pgshard-system");
    assertThat(config.identity()).isEqualTo("pgshard-operator-abc");
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.reconcileThreads()).isEqualTo(4);
    assertThat(config.useServerSideApply()).isFalse();
    assertThat(config.defaultProbeInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.instanceMonitor()).isFalse();
  }

  @Test
  void aMalformedValueNamesTheVariable() {
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("PGSHARD_LEADER_ELECTION", "yes")))
        .hasMessageContaining("PGSHARD_LEADER_ELECTION");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("PGSHARD_HTTP_PORT", "eighty")))
        .hasMessageContaining("PGSHARD_HTTP_PORT");
  }
}
