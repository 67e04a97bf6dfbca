package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.SimulatedControllers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator ({@code OperatorMain} with JOSDK) against the fabric8 mock API server in CRUD
 * mode, driven by the manifests in {@code samples/}. The mock runs no controllers and no kubelet:
 * {@link SimulatedControllers} stands in where a test needs pods.
 */
class OperatorMockApiTest {

  static final String NS = "pgshard-test";
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  MockKubernetes kube;
  KubernetesClient client;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
    client = kube.client();
    kube.startOperator(Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void minimalSampleCreatesEveryObjectOfEveryShardWithOwnerReferences() {
    Samples.apply(client, "minimal.yaml", NS);

    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    ShardedCluster cluster = get(ShardedCluster.class, "minimal");
    for (int i = 0; i < 2; i++) {
      String shard = ResourceNames.shard("minimal", i);
      PostgresShard child = get(PostgresShard.class, shard);
      assertOwnedBy(child, cluster);
      assertThat(child.getSpec().getIndex()).isEqualTo(i);
      for (HasMetadata object :
          List.of(
              get(StatefulSet.class, shard),
              get(Service.class, ResourceNames.primaryService(shard)),
              get(ConfigMap.class, ResourceNames.configMap(shard)),
              get(Deployment.class, ResourceNames.pooler(shard)))) {
        assertOwnedBy(object, child);
      }
      assertThat(get(StatefulSet.class, shard).getSpec().getReplicas()).isEqualTo(2);
    }
    for (String secret : List.of("minimal-superuser", "minimal-replication", "minimal-app")) {
      assertOwnedBy(get(Secret.class, secret), cluster);
    }
    ConfigMap shardMap = get(ConfigMap.class, "minimal-shard-map");
    assertOwnedBy(shardMap, cluster);
    assertThat(shardMap.getData().get("shardmap.json"))
        .contains("\"shardCount\" : 2")
        .contains("minimal-shard-1-pooler." + NS + ".svc:5432");
  }

  @Test
  void statusIsTruthfulWhileNoInstanceIsPromotedAndReadyOnceShardsServe() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              PostgresShard shard = get(PostgresShard.class, "minimal-shard-0");
              assertThat(shard.getStatus().getPhase()).isEqualTo("Creating");
              assertThat(Conditions.reason(shard.getStatus().getConditions(), Conditions.READY))
                  .isEqualTo("AwaitingPrimary");
              ShardedCluster cluster = get(ShardedCluster.class, "minimal");
              assertThat(cluster.getStatus().getPhase()).isEqualTo("Creating");
              assertThat(cluster.getStatus().getReadyShards()).isEqualTo("0/2");
              assertThat(Conditions.isTrue(cluster.getStatus().getConditions(), Conditions.READY))
                  .isFalse();
            });

    runAllShards("minimal", 2);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedCluster cluster = get(ShardedCluster.class, "minimal");
              assertThat(cluster.getStatus().getPhase()).isEqualTo("Ready");
              assertThat(cluster.getStatus().getReadyShards()).isEqualTo("2/2");
              assertThat(cluster.getStatus().getObservedGeneration())
                  .isEqualTo(cluster.getMetadata().getGeneration());
              assertThat(Conditions.isTrue(cluster.getStatus().getConditions(), Conditions.READY))
                  .isTrue();
              assertThat(
                      Conditions.isTrue(
                          cluster.getStatus().getConditions(), Conditions.POOLER_READY))
                  .isTrue();
              assertThat(cluster.getStatus().getShards())
                  .extracting(s -> s.getPrimary())
                  .containsExactly("minimal-shard-0-0", "minimal-shard-1-0");
              assertThat(cluster.getStatus().getConditions())
                  .allSatisfy(
                      c ->
                          assertThat(c.getObservedGeneration())
                              .isEqualTo(cluster.getMetadata().getGeneration()));
            });
  }

  @Test
  void aSteadyStateResyncByAFreshOperatorWritesNothing() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    runAllShards("minimal", 2);
    await()
        .atMost(TIMEOUT)
        .until(() -> "Ready".equals(get(ShardedCluster.class, "minimal").getStatus().getPhase()));
    awaitQuiet();

    // a second operator process (as after a restart or leader change) lists everything and
    // reconciles every object once; on a converged cluster that must not write anything
    kube.drainRequests();
    var second = kube.startOperator(Clock.systemUTC());
    await().atMost(TIMEOUT).until(() -> reconciliations(second) >= 3); // 1 cluster + 2 shards
    List<MockKubernetes.Request> requests = new java.util.ArrayList<>(awaitQuiet());
    requests.addAll(kube.drainRequests());
    assertThat(requests).as("requests of the resync").isNotEmpty();
    assertThat(requests.stream().filter(MockKubernetes.Request::isWrite).toList())
        .as("writes during a steady-state resync")
        .isEmpty();
  }

  @Test
  void raisingReplicasUpdatesEveryShardsStatefulSet() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));

    edit("minimal", c -> c.getSpec().setReplicas(2));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (int i = 0; i < 2; i++) {
                String shard = ResourceNames.shard("minimal", i);
                assertThat(get(PostgresShard.class, shard).getSpec().getReplicas()).isEqualTo(2);
                assertThat(get(StatefulSet.class, shard).getSpec().getReplicas()).isEqualTo(3);
              }
            });
  }

  @Test
  void raisingShardsAddsAnEmptyShardUpdatesTheMapAndWarnsThatRangesMoved() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));

    edit("minimal", c -> c.getSpec().setShards(3));

    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 3, true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(get(ConfigMap.class, "minimal-shard-map").getData().get("shardmap.json"))
                  .contains("\"shardCount\" : 3");
              assertThat(get(PostgresShard.class, "minimal-shard-0").getSpec().getHashRange())
                  .containsExactly("0000000000000000", "5555555555555555");
              assertThat(warnings("minimal"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("HashRangesChanged"));
            });
  }

  @Test
  void loweringShardsIsRefusedWithInvalidSpecAndDeletesNothing() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    String shardMapBefore =
        get(ConfigMap.class, "minimal-shard-map").getData().get("shardmap.json");

    edit("minimal", c -> c.getSpec().setShards(1));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedCluster cluster = get(ShardedCluster.class, "minimal");
              var ready =
                  Conditions.find(cluster.getStatus().getConditions(), Conditions.READY)
                      .orElseThrow();
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage())
                  .contains("spec.shards")
                  .contains("set spec.shards back to 2");
              assertThat(warnings("minimal"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("InvalidSpec"));
            });
    assertShardObjectsExist("minimal", 2, true);
    assertThat(get(PostgresShard.class, "minimal-shard-1").getMetadata().getDeletionTimestamp())
        .isNull();
    assertThat(get(ConfigMap.class, "minimal-shard-map").getData().get("shardmap.json"))
        .isEqualTo(shardMapBefore);
  }

  @Test
  void anOperatorOwnedParameterIsRefusedAndTheConfigStaysAsItWas() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    String configBefore =
        get(ConfigMap.class, "minimal-shard-0-config").getData().get("postgresql.conf");

    edit("minimal", c -> c.getSpec().getPostgres().setParameters(Map.of("wal_level", "minimal")));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var ready =
                  Conditions.find(
                          get(ShardedCluster.class, "minimal").getStatus().getConditions(),
                          Conditions.READY)
                      .orElseThrow();
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage()).contains("spec.postgres.parameters.wal_level");
            });
    assertThat(get(PostgresShard.class, "minimal-shard-0").getSpec().getPostgres().getParameters())
        .isEmpty();
    assertThat(get(ConfigMap.class, "minimal-shard-0-config").getData().get("postgresql.conf"))
        .isEqualTo(configBefore);
  }

  @Test
  void aHandEditOfAPostgresShardIsOverwrittenFromItsCluster() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));

    PostgresShard edited = get(PostgresShard.class, "minimal-shard-1");
    edited.getSpec().setReplicas(5);
    client.resource(edited).update();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(get(PostgresShard.class, "minimal-shard-1").getSpec().getReplicas())
                    .isEqualTo(1));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(get(StatefulSet.class, "minimal-shard-1").getSpec().getReplicas())
                    .isEqualTo(2));
  }

  @Test
  void aUserProvidedSecretIsUsedAsItIs() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("minimal-app")
                .endMetadata()
                .addToStringData("username", "app")
                .addToStringData("password", "chosen-by-the-user")
                .build())
        .create();
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));

    Secret app = get(Secret.class, "minimal-app");
    assertThat(app.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(SecretValues.value(app, "password")).isEqualTo("chosen-by-the-user");
    Secret superuser = get(Secret.class, "minimal-superuser");
    assertThat(SecretValues.value(superuser, "password")).hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void turningThePoolerOffRemovesThePoolerObjects() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));

    edit("minimal", c -> c.getSpec().getPooler().setEnabled(false));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(get(Deployment.class, "minimal-shard-0-pooler")).isNull();
              assertThat(get(Service.class, "minimal-shard-0-pooler")).isNull();
              assertThat(get(ConfigMap.class, "minimal-shard-0-pooler")).isNull();
            });
    assertShardObjectsExist("minimal", 2, false);
  }

  @Test
  void deletingTheClusterRunsCleanupAndKeepsVolumeClaimsUnlessOptedIn() {
    Samples.apply(client, "minimal.yaml", NS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    runAllShards("minimal", 2);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> get(ShardedCluster.class, "minimal").getMetadata().getFinalizers().size() == 1);

    client.resources(ShardedCluster.class).inNamespace(NS).withName("minimal").delete();

    await().atMost(TIMEOUT).until(() -> get(ShardedCluster.class, "minimal") == null);
    assertThat(events("minimal")).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Deleting"));
    assertThat(claims("minimal")).hasSize(4);
  }

  @Test
  void deletingAClusterThatOptedInDeletesItsVolumeClaims() {
    ShardedCluster sample = Samples.cluster(client, "minimal.yaml");
    sample.getMetadata().setNamespace(NS);
    sample.getSpec().getPostgres().getStorage().setDeleteClaimsWithCluster(true);
    client.resource(sample).create();
    await().atMost(TIMEOUT).untilAsserted(() -> assertShardObjectsExist("minimal", 2, true));
    runAllShards("minimal", 2);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> get(ShardedCluster.class, "minimal").getMetadata().getFinalizers().size() == 1);

    client.resources(ShardedCluster.class).inNamespace(NS).withName("minimal").delete();

    await().atMost(TIMEOUT).until(() -> get(ShardedCluster.class, "minimal") == null);
    assertThat(claims("minimal")).isEmpty();
  }

  // --- helpers

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(NS).withName(name).get();
  }

  /** Edits a cluster the way kubectl replace does (a PUT; the mock bumps generation on it). */
  void edit(String cluster, Consumer<ShardedCluster> change) {
    ShardedCluster current = get(ShardedCluster.class, cluster);
    change.accept(current);
    client.resource(current).update();
  }

  void assertShardObjectsExist(String cluster, int shards, boolean pooler) {
    for (int i = 0; i < shards; i++) {
      String shard = ResourceNames.shard(cluster, i);
      assertThat(get(PostgresShard.class, shard)).as(shard).isNotNull();
      assertThat(get(StatefulSet.class, shard)).as("StatefulSet " + shard).isNotNull();
      for (String service :
          List.of(
              ResourceNames.podsService(shard),
              ResourceNames.primaryService(shard),
              ResourceNames.replicaService(shard))) {
        assertThat(get(Service.class, service)).as("Service " + service).isNotNull();
      }
      assertThat(get(ConfigMap.class, ResourceNames.configMap(shard)))
          .as("config of " + shard)
          .isNotNull();
      assertThat(get(ConfigMap.class, ResourceNames.stateConfigMap(shard)))
          .as("state of " + shard)
          .isNotNull();
      assertThat(get(PodDisruptionBudget.class, shard)).as("PDB " + shard).isNotNull();
      if (pooler) {
        String name = ResourceNames.pooler(shard);
        assertThat(get(Deployment.class, name)).as("Deployment " + name).isNotNull();
        assertThat(get(Service.class, name)).as("Service " + name).isNotNull();
        assertThat(get(ConfigMap.class, name)).as("ConfigMap " + name).isNotNull();
      }
    }
    for (String secret : List.of("-superuser", "-replication", "-app")) {
      assertThat(get(Secret.class, cluster + secret)).as("Secret " + cluster + secret).isNotNull();
    }
    assertThat(get(ConfigMap.class, ResourceNames.shardMap(cluster))).as("shard map").isNotNull();
  }

  static void assertOwnedBy(HasMetadata object, HasMetadata owner) {
    assertThat(object.getMetadata().getOwnerReferences())
        .as("owner references of %s %s", object.getKind(), object.getMetadata().getName())
        .anySatisfy(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
              assertThat(ref.getKind()).isEqualTo(owner.getKind());
              assertThat(ref.getController()).isTrue();
            });
  }

  void runAllShards(String cluster, int shards) {
    SimulatedControllers controllers = new SimulatedControllers(client);
    for (int i = 0; i < shards; i++) {
      String shard = ResourceNames.shard(cluster, i);
      controllers.runStatefulSet(NS, shard, 0);
      controllers.runDeployment(NS, ResourceNames.pooler(shard));
    }
  }

  List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  List<Event> warnings(String involvedName) {
    return events(involvedName).stream().filter(e -> "Warning".equals(e.getType())).toList();
  }

  List<PersistentVolumeClaim> claims(String cluster) {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withLabel(Labels.CLUSTER, cluster)
        .list()
        .getItems();
  }

  static double reconciliations(io.pgshard.operator.OperatorMain operator) {
    return operator.registry().find("operator.sdk.reconciliations.success").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Waits until the API server has seen no write for a second; returns what it drained. */
  List<MockKubernetes.Request> awaitQuiet() {
    List<MockKubernetes.Request> seen = new java.util.ArrayList<>();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              List<MockKubernetes.Request> batch = kube.drainRequests();
              seen.addAll(batch);
              return batch.stream().noneMatch(MockKubernetes.Request::isWrite);
            });
    return seen;
  }
}
