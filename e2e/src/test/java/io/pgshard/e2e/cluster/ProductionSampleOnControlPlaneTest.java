package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.Samples;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * samples/production.yaml on the real control plane: 4 shards of 3 instances in sync mode, 2
 * PgBouncer pods each, a schema and a monthly partition schedule; then deleted after opting in to
 * claim deletion, which Kubernetes' PVC protection completes only once the pods are gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionSampleOnControlPlaneTest {

  static final String NS = "shop";
  static final Duration CONVERGE = Duration.ofMinutes(5);

  @RegisterExtension final OnControlPlane on = new OnControlPlane();
  private ControlPlaneCluster cluster;
  private ClusterView view;

  @BeforeAll
  void applyProduction() {
    cluster = on.start(Map.of());
    on.orReport(
        () -> {
          cluster.apply(Samples.path("production.yaml"), NS);
          view = new ClusterView(cluster, NS, "orders");
        });
  }

  @AfterAll
  void stop() {
    on.close();
  }

  @Test
  @Order(1)
  void everyShardIsReadyWithItsSchemaAndPartitionsAndServesThroughEachPooler() throws Exception {
    view.awaitReady(4, CONVERGE);
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      await()
          .atMost(CONVERGE)
          .untilAsserted(
              () -> {
                var conditions = view.shardByName(name).getStatus().getConditions();
                assertThat(conditions)
                    .anySatisfy(c -> assertCondition(c, Conditions.SCHEMA_APPLIED))
                    .anySatisfy(c -> assertCondition(c, Conditions.PARTITIONS_READY));
              });
      assertThat(view.pods(name)).hasSize(3);
      try (Connection db = view.app(name);
          Statement st = db.createStatement()) {
        st.execute(
            "INSERT INTO public.events (tenant_id) VALUES (" + shard.getSpec().getIndex() + ")");
        assertThat(Jdbc.single(st, "SELECT count(*) FROM public.events")).isEqualTo("1");
        // the row went to this month's partition, not the DEFAULT one
        assertThat(Jdbc.single(st, "SELECT count(*) FROM public.events_default")).isEqualTo("0");
      }
    }
  }

  @Test
  @Order(2)
  void deletingAfterOptingInRemovesTheClaimsOnceThePodsAreGone() {
    List<String> claims =
        cluster.client().persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
            .map(c -> c.getMetadata().getName())
            .toList();
    assertThat(claims).hasSize(12);
    List<Path> dataDirs = claims.stream().map(c -> cluster.kubelet().claimDir(NS, c)).toList();
    view.edit(
        c -> {
          c.getSpec().getPostgres().getStorage().setDeleteClaimsWithCluster(true);
          return c;
        });
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                view.cluster()
                    .getStatus()
                    .getObservedGeneration()
                    .equals(view.cluster().getMetadata().getGeneration()));
    cluster.client().resource(view.cluster()).delete();
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                cluster
                        .client()
                        .persistentVolumeClaims()
                        .inNamespace(NS)
                        .list()
                        .getItems()
                        .isEmpty()
                    && cluster
                        .client()
                        .pods()
                        .inNamespace(NS)
                        .withLabel(Labels.CLUSTER, "orders")
                        .list()
                        .getItems()
                        .isEmpty());
    await()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertThat(dataDirs).allSatisfy(d -> assertThat(d).doesNotExist()));
    assertThat(cluster.client().resources(PostgresShard.class).inNamespace(NS).list().getItems())
        .isEmpty();
    assertThat(
            cluster
                .client()
                .configMaps()
                .inNamespace(NS)
                .withName(ResourceNames.shardMap("orders"))
                .get())
        .isNull();
  }

  private static void assertCondition(io.fabric8.kubernetes.api.model.Condition c, String type) {
    assertThat(c.getType()).isEqualTo(type);
    assertThat(c.getStatus()).isEqualTo("True");
  }
}
