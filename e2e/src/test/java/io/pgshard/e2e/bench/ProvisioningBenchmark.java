package io.pgshard.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Provisioning benchmark (not part of {@code mvn verify}; run by e2e/bench/provisioning.sh): time
 * from applying a sample to its ShardedCluster reporting Ready with every shard ready, on a fresh
 * local harness each trial. samples/production.yaml (4 shards x 3 instances, 2 poolers each, schema
 * and partitions) is measured against samples/minimal.yaml (2 shards x 2) in the same run.
 */
class ProvisioningBenchmark {

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @Test
  void provisioning() throws Exception {
    int trials = Integer.getInteger("bench.trials", 3);
    Path report = Path.of(System.getProperty("bench.report", "target/bench/provisioning.txt"));
    List<Double> minimal = new ArrayList<>();
    List<Double> production = new ArrayList<>();
    for (int t = 1; t <= trials; t++) {
      minimal.add(secondsToReady("minimal.yaml", "minimal", 2));
      production.add(secondsToReady("production.yaml", "orders", 4));
      System.out.printf(
          Locale.ROOT,
          "trial %d: minimal %.1f s, production %.1f s%n",
          t,
          minimal.get(t - 1),
          production.get(t - 1));
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "pgshard provisioning benchmark on the local harness: apply -> Ready, %d trials each,"
                + " a fresh harness per trial; probes as the pod specs set them%n",
            trials));
    out.append(
        String.format(Locale.ROOT, "%-34s %-8s %-8s %-8s%n", "seconds", "min", "median", "max"));
    out.append(Stats.row("minimal.yaml (2 x 2, baseline)", 34, 8, 1, minimal));
    out.append(Stats.row("production.yaml (4 x 3, 8 poolers)", 34, 8, 1, production));
    out.append(
        String.format(
            Locale.ROOT,
            "PROVISIONING trials=%d production_median_s=%.1f minimal_median_s=%.1f%n",
            trials,
            Stats.median(production),
            Stats.median(minimal)));
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, out.toString());
    System.out.print(out);
  }

  private static double secondsToReady(String sample, String name, int shards) {
    Path root = Directories.newRoot("pgprov");
    try (LocalCluster harness = LocalCluster.start(root, Map.of(), line -> {})) {
      long start = System.nanoTime();
      harness.apply(Samples.path(sample), "prov");
      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                ShardedCluster c =
                    harness
                        .client()
                        .resources(ShardedCluster.class)
                        .inNamespace("prov")
                        .withName(name)
                        .get();
                return "Ready".equals(c.getStatus().getPhase())
                    && (shards + "/" + shards).equals(c.getStatus().getReadyShards());
              });
      return (System.nanoTime() - start) / 1e9;
    } finally {
      Directories.delete(root);
    }
  }
}
