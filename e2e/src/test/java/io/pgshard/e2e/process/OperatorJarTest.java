package io.pgshard.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded operator jar, started with {@code java -jar} as a separate process, the way the image
 * and the README run it: it finds its API server from the fabric8 environment variables, reconciles
 * a sample, serves its endpoints, logs with cluster context, and stops on SIGTERM.
 */
class OperatorJarTest {

  static final String NS = "jar-test";
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void theRunnableJarReconcilesASampleServesItsEndpointsAndStopsOnSigterm(@TempDir Path work)
      throws Exception {
    Path log = work.resolve("operator.log");
    try (MockKubernetes kube = MockKubernetes.start();
        OperatorProcess operator = OperatorProcess.start(kube, NS, List.of(), Map.of(), log)) {
      Samples.apply(kube.client(), "minimal.yaml", NS);

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                PostgresShard shard =
                    kube.client()
                        .resources(PostgresShard.class)
                        .inNamespace(NS)
                        .withName("minimal-shard-1")
                        .get();
                assertThat(shard).isNotNull();
                assertThat(shard.getStatus()).isNotNull();
                assertThat(
                        kube.client()
                            .resources(ShardedCluster.class)
                            .inNamespace(NS)
                            .withName("minimal")
                            .get()
                            .getStatus())
                    .isNotNull();
              });
      assertThat(operator.get("/healthz").statusCode()).isEqualTo(200);
      await().atMost(TIMEOUT).until(() -> operator.get("/readyz").statusCode() == 200);
      assertThat(operator.get("/metrics").body())
          .contains("operator_sdk_reconciliations_started_total");
      assertThat(Files.readString(log))
          .contains("pgshard operator started")
          .contains("cluster=minimal")
          .contains("created PostgresShard minimal-shard-0");
      assertThat(operator.stop(Duration.ofSeconds(30)))
          .as("stopped within 30 s of SIGTERM; log:\n%s", Files.readString(log))
          .isTrue();
    }
  }
}
