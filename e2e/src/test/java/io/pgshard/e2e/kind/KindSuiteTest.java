package io.pgshard.e2e.kind;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.status.Phase;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.Writer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The kind suite: the real images on a real Kubernetes. A kind node in a container, the operator
 * image built from {@code operator/Dockerfile} and loaded into it, the chart installed with Helm,
 * then samples/minimal.yaml through a user's life with it, one step after another: Ready and
 * serving through the poolers, a primary pod killed under writes, a planned switchover, deletion.
 *
 * <p>Without a Docker engine every test reports {@value DockerEngine#SKIPPED}: the only skip the
 * project allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DockerEngine.Required.class)
class KindSuiteTest {

  private static final String NAMESPACE = "pgshard-kind";
  private static final String SAMPLE = "minimal.yaml";

  /** The first start pulls the PostgreSQL and PgBouncer images into the node. */
  private static final Duration CONVERGE = Duration.ofMinutes(5);

  private static final Duration FAILOVER = Duration.ofMinutes(2);
  private static final int WRITES = 50;

  @RegisterExtension final DumpOnFailure dump = new DumpOnFailure();
  private KindCluster kind;
  private ClusterState state;

  @BeforeAll
  void startKindWithTheOperatorAndApplyMinimal() {
    if (!DockerEngine.answers()) {
      return; // each test reports the skip (DockerEngine.Required)
    }
    OperatorImage.build();
    kind = KindCluster.start();
    dump.orDump(
        () -> {
          kind.installOperator();
          kind.createNamespace(NAMESPACE);
          Samples.apply(kind.client(), SAMPLE, NAMESPACE);
        });
    String name = Samples.cluster(kind.client(), SAMPLE).getMetadata().getName();
    state = new ClusterState(kind.client(), NAMESPACE, name);
  }

  @AfterAll
  void stopKind() {
    if (kind != null) {
      kind.close();
    }
  }

  @Test
  @Order(1)
  void minimalBecomesReadyAndEveryShardStreamsAndServesTheAppThroughItsPooler()
      throws SQLException {
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(() -> Phase.READY.value().equals(state.phase()));
    List<String> shards = state.shards();
    assertThat(state.cluster().getStatus().getReadyShards())
        .isEqualTo(shards.size() + "/" + shards.size());
    for (String shard : shards) {
      awaitStreaming(shard);
      try (PoolerForward pooler = state.pooler(shard);
          Connection db = pooler.connect();
          Statement st = db.createStatement()) {
        st.execute("CREATE TABLE kv (k text PRIMARY KEY, v text)");
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO kv VALUES ('shard', ?)")) {
          insert.setString(1, shard);
          insert.executeUpdate();
        }
        assertThat(single(st, "SELECT v FROM kv WHERE k = 'shard'")).isEqualTo(shard);
        assertThat(single(st, "SELECT current_user")).isEqualTo(pooler.user());
      }
    }
  }

  @Test
  @Order(2)
  void aKilledPrimaryPodIsReplacedUnderWritesAndComesBackAsAReplica() throws SQLException {
    String shard = ResourceNames.shard(state.name(), 1);
    awaitStreaming(shard);
    String old = state.primaryPod(shard);
    try (PoolerForward pooler = state.pooler(shard);
        Writer writer = pooler.writer()) {
      writer.awaitAcknowledged(WRITES, CONVERGE);
      long killed = System.nanoTime();
      kind.client().pods().inNamespace(NAMESPACE).withName(old).withGracePeriod(0).delete();

      await()
          .atMost(FAILOVER)
          .ignoreExceptions()
          .until(() -> state.primaryPod(shard) != null && !old.equals(state.primaryPod(shard)));
      String promoted = state.primaryPod(shard);
      // a commit begun after the relabel can only have gone to the new primary: all must be there
      long labelled = System.nanoTime();
      await().atMost(FAILOVER).until(() -> writer.acknowledgedStartedAfter(labelled).size() >= 10);
      List<Long> resumed = writer.acknowledgedStartedAfter(labelled);
      try (Connection db = pooler.connect()) {
        assertThat(missing(db, resumed)).isEmpty();
      }
      System.out.printf(
          "kind: %s killed, %s promoted, first write acknowledged %.2f s after the kill%n",
          old,
          promoted,
          (writer.firstAcknowledgedStartedAfter(killed).orElseThrow() - killed) / 1e9);
    }
    // the StatefulSet recreates the pod under its name; it rewinds and follows the new primary
    awaitStreaming(shard);
    assertThat(state.readyReplicas(shard)).contains(old);
    assertThat(state.roleLabel(old)).isEqualTo(Labels.ROLE_REPLICA);
  }

  @Test
  @Order(3)
  void aPlannedSwitchoverMovesThePrimaryWithoutAClientError() {
    String shard = ResourceNames.shard(state.name(), 0);
    awaitStreaming(shard);
    String before = state.primaryPod(shard);
    String target = state.readyReplicas(shard).get(0);
    try (PoolerForward pooler = state.pooler(shard);
        Writer writer = pooler.writer()) {
      writer.awaitAcknowledged(WRITES, CONVERGE);
      state.annotate(shard, Labels.SWITCHOVER_TO, target);

      await()
          .atMost(FAILOVER)
          .ignoreExceptions()
          .until(
              () ->
                  state.conditionTrue(shard, Conditions.SWITCHOVER_COMPLETED)
                      && target.equals(state.primaryPod(shard)));
      long switched = System.nanoTime();
      await()
          .atMost(FAILOVER)
          .until(() -> writer.acknowledgedStartedAfter(switched).size() >= WRITES);
      assertThat(writer.errors()).isEmpty();
    }
    await()
        .atMost(FAILOVER)
        .ignoreExceptions()
        .until(() -> state.annotation(shard, Labels.SWITCHOVER_TO) == null);
    awaitStreaming(shard);
    assertThat(state.readyReplicas(shard)).contains(before);
  }

  @Test
  @Order(4)
  void deletingTheClusterRemovesItsShardsWorkloadsAndServicesButKeepsTheVolumes() {
    KubernetesClient client = kind.client();
    ShardedCluster cluster = state.cluster();
    List<String> claims =
        state.shards().stream()
            .flatMap(
                shard ->
                    IntStream.rangeClosed(0, cluster.getSpec().getReplicas())
                        .mapToObj(
                            i -> ResourceNames.DATA_VOLUME + "-" + ResourceNames.pod(shard, i)))
            .toList();
    assertThat(names(client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems()))
        .containsExactlyInAnyOrderElementsOf(claims);

    client.resources(ShardedCluster.class).inNamespace(NAMESPACE).withName(state.name()).delete();

    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                state.cluster() == null
                    && client
                        .resources(PostgresShard.class)
                        .inNamespace(NAMESPACE)
                        .list()
                        .getItems()
                        .isEmpty()
                    && client
                        .apps()
                        .statefulSets()
                        .inNamespace(NAMESPACE)
                        .withLabel(Labels.CLUSTER, state.name())
                        .list()
                        .getItems()
                        .isEmpty()
                    && client
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withLabel(Labels.CLUSTER, state.name())
                        .list()
                        .getItems()
                        .isEmpty()
                    && client
                        .services()
                        .inNamespace(NAMESPACE)
                        .withLabel(Labels.CLUSTER, state.name())
                        .list()
                        .getItems()
                        .isEmpty());
    List<PersistentVolumeClaim> kept =
        client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems();
    assertThat(names(kept)).containsExactlyInAnyOrderElementsOf(claims);
    assertThat(kept).allSatisfy(c -> assertThat(c.getMetadata().getDeletionTimestamp()).isNull());
  }

  // --- helpers

  private void awaitStreaming(String shard) {
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> state.streaming(shard));
  }

  /** The acknowledged ids the database does not have. */
  private static List<Long> missing(Connection db, List<Long> ids) throws SQLException {
    Array array = db.createArrayOf("bigint", ids.toArray());
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT x FROM unnest(?::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM acks WHERE id = x)")) {
      st.setArray(1, array);
      try (ResultSet rs = st.executeQuery()) {
        List<Long> missing = new ArrayList<>();
        while (rs.next()) {
          missing.add(rs.getLong(1));
        }
        return missing;
      }
    }
  }

  private static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }

  /** Prints status, pods, events and the operator's log when a step or the setup fails. */
  final class DumpOnFailure implements TestWatcher {

    void orDump(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        print();
        throw e;
      }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      System.out.println("=== " + context.getDisplayName() + " failed: " + cause);
      print();
    }

    private void print() {
      if (kind != null) {
        kind.dump(NAMESPACE, System.out);
      }
    }
  }
}
