package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.MockKubernetes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The turns of a cluster's shards: with {@code maxShardsInParallel: 1} a second shard waits while
 * the first rolls, even before the first one's status reaches the cache (two reconciles deciding at
 * the same moment), and takes its turn once the first is up to date. On the fabric8 mock API server
 * (CRUD mode), where evictions are pod deletions; the real control plane runs the whole rollout in
 * RollingRestartOnControlPlaneTest.
 */
class RolloutStepTest {

  private static final String NS = "rolling";
  private static final String OLD = "rev-old";
  private static final String NEW = "rev-new";

  private MockKubernetes kube;
  private KubernetesClient client;
  private RolloutStep step;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
    client = kube.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    step =
        new RolloutStep(client, new KubernetesEvents(client, Clock.systemUTC()), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void oneShardRollsAtATimeEvenBeforeItsStatusIsCached() {
    PostgresShard a = shard("c-shard-0");
    PostgresShard b = shard("c-shard-1");
    List<PostgresShard> cacheWithoutStatus = List.of(a, b);

    PostgresShardStatus aStatus = status();
    step.run(a, pods(a, OLD), sts(), probed(a), aStatus, cacheWithoutStatus, null);
    assertThat(aStatus.getRollout().getPhase()).isEqualTo("RestartingStandby");
    assertThat(aStatus.getRollout().getMessage()).contains("c-shard-0-1");

    // b decides on a cache that does not show a's rollout yet
    PostgresShardStatus bStatus = status();
    step.run(b, pods(b, OLD), sts(), probed(b), bStatus, cacheWithoutStatus, null);
    assertThat(bStatus.getRollout().getPhase()).isEqualTo("Waiting");
    assertThat(bStatus.getRollout().getMessage()).contains("maxShardsInParallel");
    assertThat(bStatus.getRollout().getPending()).hasSize(2);
    assertThat(Conditions.find(bStatus.getConditions(), Conditions.UP_TO_DATE).get().getStatus())
        .isEqualTo("False");

    // a is done: every pod runs the new revision
    a.setStatus(aStatus);
    PostgresShardStatus aDone = status();
    step.run(a, pods(a, NEW), sts(), probed(a), aDone, List.of(a, b), null);
    assertThat(aDone.getRollout().getPhase()).isEqualTo("UpToDate");
    assertThat(aDone.getRollout().getLastCompletedAt()).isNotNull();
    assertThat(Conditions.isTrue(aDone.getConditions(), Conditions.UP_TO_DATE)).isTrue();

    a.setStatus(aDone);
    PostgresShardStatus bTurn = status();
    step.run(b, pods(b, OLD), sts(), probed(b), bTurn, List.of(a, b), null);
    assertThat(bTurn.getRollout().getPhase()).isEqualTo("RestartingStandby");
  }

  @Test
  void aPausedRolloutCountsWhatWaitsAndRestartsNothing() {
    PostgresShard a = shard("c-shard-0");
    a.getSpec().getRollout().setPaused(true);
    List<Pod> pods = pods(a, OLD);
    PostgresShardStatus status = status();

    step.run(a, pods, sts(), probed(a), status, List.of(a), null);

    assertThat(status.getRollout().getPhase()).isEqualTo("Paused");
    assertThat(status.getRollout().getUpdatedInstances()).isZero();
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2);
  }

  private static PostgresShardStatus status() {
    PostgresShardStatus s = new PostgresShardStatus();
    s.setCurrentPrimary("primary-is-set");
    return s;
  }

  private static PostgresShard shard(String name) {
    PostgresShard shard = new PostgresShard();
    shard.getMetadata().setName(name);
    shard.getMetadata().setNamespace(NS);
    shard.getMetadata().setGeneration(1L);
    PostgresShardSpec spec = new PostgresShardSpec();
    spec.setClusterName("c");
    spec.setReplicas(1);
    spec.getRollout().setMaxShardsInParallel(1);
    shard.setSpec(spec);
    return shard;
  }

  /** The StatefulSet's status names the new revision, for the template it was computed from. */
  private static Optional<StatefulSet> sts() {
    return Optional.of(
        new StatefulSetBuilder()
            .withNewMetadata()
            .withGeneration(2L)
            .endMetadata()
            .withNewStatus()
            .withObservedGeneration(2L)
            .withUpdateRevision(NEW)
            .endStatus()
            .build());
  }

  /** A primary (ordinal 0) and a standby, ready, created in the mock, at {@code revision}. */
  private List<Pod> pods(PostgresShard shard, String revision) {
    List<Pod> pods = new ArrayList<>();
    for (int ordinal = 0; ordinal <= 1; ordinal++) {
      String name = shard.getMetadata().getName() + "-" + ordinal;
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(NS)
              .withLabels(
                  Map.of(
                      Labels.ROLE,
                      ordinal == 0 ? Labels.ROLE_PRIMARY : Labels.ROLE_REPLICA,
                      RolloutStep.REVISION_LABEL,
                      revision))
              .endMetadata()
              .withNewStatus()
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .endStatus()
              .build();
      Pod stored = client.pods().inNamespace(NS).withName(name).get();
      pods.add(stored == null ? client.resource(pod).create() : pod);
    }
    return pods;
  }

  private static ObservedShard probed(PostgresShard shard) {
    String name = shard.getMetadata().getName();
    return new ObservedShard(
        name + "-0",
        true,
        0,
        100L,
        "1",
        null,
        true,
        List.of(
            new InstanceObservation(
                name + "-0", 0, true, false, 1L, null, null, 100L, false, null, "1", false, null),
            new InstanceObservation(
                name + "-1", 1, true, true, 1L, 100L, 100L, null, true, "x", "1", false, null)),
        1L,
        false);
  }
}
