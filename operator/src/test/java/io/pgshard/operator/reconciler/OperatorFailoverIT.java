package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardConfigMaps;
import io.pgshard.operator.testing.LocalKubelet;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator itself promotes: the real operator (its instance monitor on) against the mock API
 * server, the shard's pods run as real PostgreSQL 15 processes by {@link LocalKubelet}. It promotes
 * a new shard's first primary and fails over when the primary's node dies.
 */
class OperatorFailoverIT {

  static final String NS = "failover";
  static final String SHARD = "minimal-shard-0";
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  MockKubernetes kube = MockKubernetes.start();
  KubernetesClient client = kube.client();
  LocalShards shards = new LocalShards();
  LocalKubelet kubelet;

  @AfterEach
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    kube.close();
    shards.close();
  }

  @Test
  void promotesTheFirstPrimaryThenFailsOverWhenItsNodeDies() {
    startShardOfTwo();

    // the operator promotes ordinal 0 (InitialPromotion), ordinal 1 clones from it
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(shard().getStatus().getCurrentPrimary()).isEqualTo(SHARD + "-0");
              assertThat(role(0)).isEqualTo("primary");
              assertThat(role(1)).isEqualTo("replica");
              assertThat(shard().getStatus().getReadyInstances()).isEqualTo(2);
            });
    await().atMost(TIMEOUT).until(() -> ShardConfigMaps.isInitialized(configMap(SHARD + "-state")));
    assertThat(reasons()).contains("Promoted");

    kubelet.crash(0);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              PostgresShard shard = shard();
              assertThat(shard.getStatus().getLastFailover()).isNotNull();
              assertThat(shard.getStatus().getLastFailover().getFrom()).isEqualTo(SHARD + "-0");
              assertThat(shard.getStatus().getLastFailover().getTo()).isEqualTo(SHARD + "-1");
              assertThat(shard.getStatus().getTargetPrimary()).isNull();
              assertThat(role(1)).isEqualTo("primary");
            });
    // the fenced pod was deleted and recreated; its instance rewinds and follows the new primary
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(role(0)).isEqualTo("replica");
              assertThat(shard().getStatus().getReadyInstances()).isEqualTo(2);
              assertThat(shard().getStatus().getPhase()).isEqualTo("Ready");
            });
  }

  /** The operator, a 1-shard cluster without pooler, both instances running as processes. */
  void startShardOfTwo() {
    kube.startOperator(Clock.systemUTC(), Map.of("PGSHARD_INSTANCE_MONITOR", "true"));
    ShardedCluster cluster = Samples.cluster(client, "minimal.yaml");
    cluster.getMetadata().setNamespace(NS);
    cluster.getSpec().setShards(1);
    // this test runs the PostgreSQL pods only: a pooler without pods would keep the shard from
    // Ready
    cluster.getSpec().getPooler().setEnabled(false);
    client.resource(cluster).create();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                shard() != null
                    && configMap(SHARD + "-config") != null
                    && secret("minimal-app") != null);

    LocalShard local =
        shards.adopt(
            shard(),
            SecretValues.credentials(
                client, NS, List.of("minimal-superuser", "minimal-replication", "minimal-app")));
    kubelet = new LocalKubelet(client, NS, SHARD, local);
    kubelet.start(0);
    kubelet.start(1);
  }

  @Test
  void doesNotFailOverWhileAStandbyStillStreamsFromAPrimaryOnlyTheOperatorCannotReach() {
    startShardOfTwo();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(role(0)).isEqualTo("primary");
              assertThat(shard().getStatus().getReadyInstances()).isEqualTo(2);
            });

    // the operator's path to the primary breaks (it probes the address the Pod reports); the
    // standby still streams through the rw Service
    Pod primary = client.pods().inNamespace(NS).withName(SHARD + "-0").get();
    primary.getStatus().setPodIP("127.0.99.250");
    client.pods().inNamespace(NS).resource(primary).updateStatus();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        io.pgshard.operator.status.Conditions.isTrue(
                            shard().getStatus().getConditions(), "PrimaryUnreachableFromOperator"))
                    .isTrue());
    // well past failureThreshold probes: still no promotion (the last one on record is the first)
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "primary".equals(role(0))
                    && shard()
                        .getStatus()
                        .getLastFailover()
                        .getReason()
                        .startsWith("InitialPromotion"));
    assertThat(role(1)).isEqualTo("replica");
  }

  PostgresShard shard() {
    return client.resources(PostgresShard.class).inNamespace(NS).withName(SHARD).get();
  }

  ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get();
  }

  Secret secret(String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  String role(int ordinal) {
    Pod pod = client.pods().inNamespace(NS).withName(SHARD + "-" + ordinal).get();
    return pod == null ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
  }

  List<String> reasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
