package io.pgshard.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import io.pgshard.operator.api.v1alpha1.FailoverRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.status.Conditions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The faults the failover review found unhandled, each once, on the real control plane with the
 * chart's operator (two replicas, leader election), a synchronous shard of three instances and a
 * client writing through the pooler: a frozen primary, a cut-off primary, a primary whose pod is
 * deleted (a drain), and a failover while the shard's other objects cannot be applied. Every trial
 * ends with nothing acknowledged lost, no moment with two instances acknowledging writes, and one
 * primary. The chaos runner ({@code e2e/bench/chaos.sh}) repeats such trials for figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// its faults are timed (a frozen primary, a cut network): runs with no other class beside it
@Isolated
class FailoverFaultsOnControlPlaneTest {

  static Path root;
  static ControlPlaneCluster cluster;
  static ChaosRun run;

  @BeforeAll
  static void start() throws Exception {
    root = Directories.newRoot("pgfaults");
    cluster = ControlPlaneCluster.start(root, Map.of(), line -> {});
    run = ChaosRun.start(cluster, "sync", 42);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (run != null) {
        run.close();
      }
    } finally {
      try {
        if (cluster != null) {
          cluster.close();
        }
      } finally {
        Directories.delete(root);
      }
    }
  }

  static void assertSafe(ChaosRun.Trial trial) {
    assertThat(trial.lost()).as("acknowledged writes lost").isZero();
    assertThat(trial.splitBrain()).as("moments with two primaries acknowledging").isZero();
    assertThat(trial.primaries()).as("primaries afterwards").isEqualTo(1);
  }

  @Test
  @Order(1)
  void aFrozenPrimaryIsReplacedWithoutWaitingForTcpOrReplicationTimeoutsOfAMinute()
      throws Exception {
    ChaosRun.Trial trial = orReport(() -> run.trial(Fault.FREEZE, 1));
    assertSafe(trial);
    assertThat(trial.to()).isNotEqualTo(trial.from());
    FailoverRecord last = run.shard().getStatus().getLastFailover();
    assertThat(last.getFrom()).isEqualTo(trial.from());
    assertThat(last.getReason()).startsWith("PrimaryUnreachable");
    assertThat(run.shard().getStatus().getLastPrimary().getTimeline())
        .as("the guards' memory is in status")
        .isNotNull();
  }

  @Test
  @Order(2)
  void aPrimaryCutOffFromTheNetworkIsReplaced() throws Exception {
    assertThat(Partition.unavailable()).as("iptables (.ci/prerequisites installs it)").isNull();
    ChaosRun.Trial trial = orReport(() -> run.trial(Fault.PARTITION, 1));
    assertSafe(trial);
    assertThat(trial.to()).isNotEqualTo(trial.from());
  }

  @Test
  @Order(3)
  void deletingThePrimaryPodHandsOverWithASwitchoverThatLosesNothing() throws Exception {
    orReport(this::handsOverADeletedPrimary);
  }

  private void handsOverADeletedPrimary() throws Exception {
    run.steady();
    String old = run.primary();
    int errorsBefore = run.clientErrors().size();
    cluster.client().pods().inNamespace(ChaosRun.NS).withName(old).delete();
    await()
        .atMost(ChaosRun.TIMEOUT)
        .untilAsserted(
            () -> {
              FailoverRecord last = run.shard().getStatus().getLastFailover();
              assertThat(last).isNotNull();
              assertThat(last.getFrom()).isEqualTo(old);
              assertThat(run.primary()).isNotNull().isNotEqualTo(old);
            });
    FailoverRecord last = run.shard().getStatus().getLastFailover();
    assertThat(last.getReason()).as("a drain is planned, not a failure").startsWith("Switchover");
    run.steady();
    run.awaitWrites(50);
    assertThat(run.lostWrites()).isZero();
    // PgBouncer holds the clients' queries during the pause; this client gives up on a statement
    // after 2 s (it is built for frozen primaries), so a pause longer than that costs each thread
    // at most one retried write, never an acknowledged one
    List<String> errors = run.clientErrors();
    assertThat(errors.subList(errorsBefore, errors.size()))
        .as("client errors during the handover")
        .hasSizeLessThanOrEqualTo(ChaosClient.THREADS);
  }

  @Test
  @Order(4)
  void aStatefulSetTheApiServerRefusesDoesNotHoldFailoverBack() throws Exception {
    orReport(run::steady);
    // volumeClaimTemplates are immutable: the StatefulSet update is refused (422)
    cluster
        .client()
        .resources(ShardedCluster.class)
        .inNamespace(ChaosRun.NS)
        .withName(ChaosRun.CLUSTER)
        // a merge patch: the operator writes the cluster's status meanwhile (an edit could
        // conflict)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"postgres\":{\"storage\":{\"size\":\"3Gi\"}}}}");
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .until(
            () ->
                "ObjectsNotApplied"
                    .equals(Conditions.reason(run.shard().getStatus().getConditions(), "Ready")));
    PostgresShard refused = run.shard();
    assertThat(Conditions.find(refused.getStatus().getConditions(), "Ready").get().getMessage())
        .containsIgnoringCase("forbidden");

    ChaosRun.Trial trial = orReport(() -> run.trial(Fault.KILL9, 1));

    assertSafe(trial);
    assertThat(trial.to()).isNotEqualTo(trial.from());
  }

  interface Step<T> {
    T run() throws Exception;
  }

  interface Action {
    void run() throws Exception;
  }

  static <T> T orReport(Step<T> step) throws Exception {
    try {
      return step.run();
    } catch (Exception | AssertionError e) {
      System.out.println(run.diagnostics());
      throw e;
    }
  }

  static void orReport(Action action) throws Exception {
    orReport(
        () -> {
          action.run();
          return null;
        });
  }
}
