package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Kubectl;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import java.nio.file.Path;
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
 * The production path on a real API server: the chart's configuration provisions
 * samples/minimal.yaml, and the user's manifest stays the user's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionPathTest {

  static final String NAMESPACE = "demo";
  static final Path SAMPLES = Path.of(System.getProperty("pgshard.samples.dir", "../samples"));

  @RegisterExtension static final OnControlPlane ON = new OnControlPlane();

  ControlPlaneCluster cluster;

  @BeforeAll
  void start() {
    cluster = ON.start(Map.of());
  }

  @AfterAll
  void stop() {
    ON.close();
  }

  @Test
  @Order(1)
  void oneOfTheChartsTwoReplicasTakesTheLease() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(cluster.leader())
                    .isIn(cluster.operatorName(0), cluster.operatorName(1)));
  }

  @Test
  @Order(2)
  void minimalSampleBecomesReadyAndKeepsTheUsersSpec() {
    assertThat(cluster.kubectl("create", "namespace", NAMESPACE).ok()).isTrue();
    Kubectl.Result applied =
        cluster.kubectl("apply", "-n", NAMESPACE, "-f", SAMPLES.resolve("minimal.yaml").toString());
    assertThat(applied.ok()).as(applied.output()).isTrue();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              ShardedCluster c = minimal();
              assertThat(c.getStatus()).isNotNull();
              assertThat(c.getStatus().getPhase()).isEqualTo("Ready");
            });
    ShardedCluster c = minimal();
    assertThat(c.getSpec().getShards()).isEqualTo(2);
    // the operator's finalizer apply must own the finalizer and nothing of the spec
    List<ManagedFieldsEntry> operatorFields =
        c.getMetadata().getManagedFields().stream()
            .filter(m -> !"kubectl-client-side-apply".equals(m.getManager()))
            .toList();
    assertThat(operatorFields)
        .allSatisfy(
            m ->
                assertThat(m.getFieldsV1().getAdditionalProperties())
                    .as("fields of manager " + m.getManager())
                    .doesNotContainKey("f:spec"));
  }

  private ShardedCluster minimal() {
    return cluster
        .admin()
        .resources(ShardedCluster.class)
        .inNamespace(NAMESPACE)
        .withName("minimal")
        .get();
  }
}
