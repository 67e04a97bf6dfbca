package io.pgshard.e2e.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
    Path jar = Path.of(System.getProperty("pgshard.operator.jar"));
    assertThat(jar).as("built by the operator module's package phase").exists();
    Path log = work.resolve("operator.log");
    int port = freePort();
    try (MockKubernetes kube = MockKubernetes.start()) {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().put("KUBERNETES_MASTER", kube.client().getMasterUrl().toString());
      builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      builder.environment().put("KUBERNETES_NAMESPACE", NS);
      // the mock API server has neither server-side apply nor a place to hold a Lease for us
      builder.environment().put("PGSHARD_SERVER_SIDE_APPLY", "false");
      builder.environment().put("PGSHARD_LEADER_ELECTION", "false");
      builder.environment().put("PGSHARD_HTTP_PORT", Integer.toString(port));
      Process operator = builder.start();
      try {
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
        assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        await().atMost(TIMEOUT).until(() -> get(port, "/readyz").statusCode() == 200);
        assertThat(get(port, "/metrics").body())
            .contains("operator_sdk_reconciliations_started_total");
        assertThat(Files.readString(log))
            .contains("pgshard operator started")
            .contains("cluster=minimal")
            .contains("created PostgresShard minimal-shard-0");
      } finally {
        operator.destroy(); // SIGTERM: the shutdown hook stops the operator
        boolean exited = operator.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
          operator.destroyForcibly();
        }
        assertThat(exited)
            .as("stopped within 30 s of SIGTERM; log:\n%s", Files.readString(log))
            .isTrue();
      }
    }
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
