package io.pgshard.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HarnessSmokeTest {

  @Test
  void minimalBecomesReady() throws Exception {
    Path root = Files.createTempDirectory("pgshard-e2e-");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LocalCluster cluster = LocalCluster.start(root, java.util.Map.of(), System.out::println)) {
      try {
        cluster.apply(Samples.path("minimal.yaml"), "demo");
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(
                () -> {
                  ShardedCluster c =
                      cluster
                          .client()
                          .resources(ShardedCluster.class)
                          .inNamespace("demo")
                          .withName("minimal")
                          .get();
                  System.out.println(
                      "phase="
                          + c.getStatus().getPhase()
                          + " ready="
                          + c.getStatus().getReadyShards());
                  assertThat(c.getStatus().getPhase()).isEqualTo("Ready");
                });
      } catch (Throwable t) {
        cluster.dump(System.out);
        throw t;
      }
    }
  }
}
