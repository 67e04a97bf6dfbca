package io.pgshard.operator.reconciler;

import static io.pgshard.operator.testing.LocalOperatorShard.NS;
import static io.pgshard.operator.testing.LocalOperatorShard.SHARD;
import static io.pgshard.operator.testing.LocalOperatorShard.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ShardConfigMaps;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalKubelet;
import io.pgshard.operator.testing.LocalOperatorShard;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator itself promotes: the real operator (its instance monitor on) against the mock API
 * server, the shard's pods run as real PostgreSQL 15 processes by {@link LocalKubelet}. It promotes
 * a new shard's first primary and fails over when the primary's node dies.
 */
class OperatorFailoverIT {

  LocalOperatorShard s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  /** A 1-shard cluster of two instances without pooler, both running as processes. */
  void startShardOfTwo() {
    // this test runs the PostgreSQL pods only: a pooler without pods would keep the shard from
    // Ready
    s = LocalOperatorShard.start(2, c -> c.getSpec().getPooler().setEnabled(false));
  }

  @Test
  void promotesTheFirstPrimaryThenFailsOverWhenItsNodeDies() {
    startShardOfTwo();

    // the operator promotes ordinal 0 (InitialPromotion), ordinal 1 clones from it
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(s.shard().getStatus().getCurrentPrimary()).isEqualTo(SHARD + "-0");
              assertThat(s.role(0)).isEqualTo("primary");
              assertThat(s.role(1)).isEqualTo("replica");
              assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(2);
            });
    await()
        .atMost(TIMEOUT)
        .until(() -> ShardConfigMaps.isInitialized(s.configMap(SHARD + "-state")));
    assertThat(s.eventReasons()).contains("Promoted");
    // the monitor's observations reach status: one timeline (the initial promotion started it),
    // the standby's positions and lag
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var instances = s.shard().getStatus().getInstances();
              assertThat(instances.get(0).getTimeline()).isNotNull();
              assertThat(instances.get(1).getTimeline()).isEqualTo(instances.get(0).getTimeline());
              assertThat(instances.get(1).getReplayLsn()).matches("[0-9A-F]+/[0-9A-F]+");
              assertThat(instances.get(1).getLagBytes()).isNotNull();
              assertThat(s.shard().getStatus().getInstancesProbedAt()).isNotNull();
            });

    long timeline = s.shard().getStatus().getInstances().get(0).getTimeline();
    s.kubelet().crash(0);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              PostgresShard shard = s.shard();
              assertThat(shard.getStatus().getLastFailover()).isNotNull();
              assertThat(shard.getStatus().getLastFailover().getFrom()).isEqualTo(SHARD + "-0");
              assertThat(shard.getStatus().getLastFailover().getTo()).isEqualTo(SHARD + "-1");
              assertThat(shard.getStatus().getTargetPrimary()).isNull();
              assertThat(s.role(1)).isEqualTo("primary");
            });
    // the fenced pod was deleted and recreated; its instance rewinds and follows the new primary
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(s.role(0)).isEqualTo("replica");
              assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(2);
              assertThat(s.shard().getStatus().getPhase()).isEqualTo("Ready");
              // both on the new timeline, in status without waiting for the 30 s refresh
              assertThat(s.shard().getStatus().getInstances())
                  .extracting(i -> i.getTimeline())
                  .containsOnly(timeline + 1);
            });
  }

  @Test
  void doesNotFailOverWhileAStandbyStillStreamsFromAPrimaryOnlyTheOperatorCannotReach() {
    startShardOfTwo();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(s.role(0)).isEqualTo("primary");
              assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(2);
            });

    // the operator's path to the primary breaks (it probes the address the Pod reports); the
    // standby still streams through the rw Service
    Pod primary = s.client().pods().inNamespace(NS).withName(SHARD + "-0").get();
    primary.getStatus().setPodIP("127.0.99.250");
    s.client().pods().inNamespace(NS).resource(primary).updateStatus();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.isTrue(
                            s.shard().getStatus().getConditions(),
                            Conditions.PRIMARY_UNREACHABLE_FROM_OPERATOR))
                    .isTrue());
    // well past failureThreshold probes: still no promotion (the last one on record is the first)
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "primary".equals(s.role(0))
                    && s.shard()
                        .getStatus()
                        .getLastFailover()
                        .getReason()
                        .startsWith("InitialPromotion"));
    assertThat(s.role(1)).isEqualTo("replica");
  }
}
