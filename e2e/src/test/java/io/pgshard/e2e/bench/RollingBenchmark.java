package io.pgshard.e2e.bench;

import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.rolling.RollingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rolling restart benchmark (not part of {@code mvn verify}; run by {@code
 * e2e/bench/rolling.sh}): on the real control plane (StatefulSet revisions, evictions and
 * PodDisruptionBudgets are real there; the local harness has none), a cluster of {@code
 * bench.shards} shards with {@code bench.replicas} standbys each and the default rollout settings
 * (one shard at a time), one client writing through every shard's pooler. The baseline is the same
 * clients for as long with nothing rolling; then a restart annotation rolls every instance. A
 * table, then one {@code ROLLING} line.
 */
class RollingBenchmark {

  static final String NS = "bench";

  @Test
  void rolling() throws Exception {
    int shards = Integer.getInteger("bench.shards", 2);
    int replicas = Integer.getInteger("bench.replicas", 2);
    Path report = Path.of(System.getProperty("bench.report", "target/bench/rolling.txt"));
    Files.createDirectories(report.toAbsolutePath().getParent());

    Path root = Directories.newRoot("pgrolling");
    try (ControlPlaneCluster harness = ControlPlaneCluster.start(root, Map.of(), line -> {});
        RollingRun run = RollingRun.start(harness, NS, "ledger", shards, replicas, 1)) {
      RollingRun.Outcome rolling =
          run.roll(
              () ->
                  run.view()
                      .edit(
                          c -> {
                            if (c.getMetadata().getAnnotations() == null) {
                              c.getMetadata().setAnnotations(new HashMap<>());
                            }
                            c.getMetadata()
                                .getAnnotations()
                                .put("pgshard.io/restart", Instant.now().toString());
                            return c;
                          }));
      RollingRun.Outcome steady = run.steady(rolling.took());

      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "Rolling restart of %d shards x %d instances, one shard at a time, one client per"
                  + " shard through its pooler; on the real control plane (kube-apiserver v1.20.2,"
                  + " the chart's operator, pods as processes), %d cores%n%n",
              shards,
              replicas + 1,
              Runtime.getRuntime().availableProcessors()));
      out.append(String.format(Locale.ROOT, "%-44s %-9s %-9s %-9s%n", "", "min", "median", "max"));
      out.append(Stats.row("write latency, baseline (ms)", 44, 9, 1, steady.latenciesMillis()));
      out.append(Stats.row("write latency, rolling (ms)", 44, 9, 1, rolling.latenciesMillis()));
      out.append(
          Stats.row(
              "longest stall per client, baseline (ms)", 44, 9, 0, doubles(steady.stallsMillis())));
      out.append(
          Stats.row(
              "longest stall per client, rolling (ms)", 44, 9, 0, doubles(rolling.stallsMillis())));
      List<Double> steps = steps(rolling.restartedAt());
      if (!steps.isEmpty()) {
        out.append(Stats.row("time between restarts in a shard (s)", 44, 9, 1, steps));
      }
      out.append(
          String.format(
              Locale.ROOT, "%nbaseline: %s%nrolling:  %s%n", steady.summary(), rolling.summary()));
      // where each switchover's pause went, step by step, as its SwitchoverCompleted event says
      harness.client().v1().events().inNamespace(NS).list().getItems().stream()
          .filter(e -> "SwitchoverCompleted".equals(e.getReason()))
          .map(e -> "switchover: " + e.getMessage())
          .sorted()
          .forEach(line -> out.append(line).append(System.lineSeparator()));
      out.append(
          String.format(
              Locale.ROOT,
              "ROLLING shards=%d replicas=%d duration_s=%.1f client_errors=%d lost_acked_writes=%d"
                  + " max_stall_ms=%d restarted_instances=%d%n",
              shards,
              replicas,
              rolling.took().toMillis() / 1000.0,
              rolling.clientErrors().size(),
              rolling.lostAcknowledged(),
              rolling.maxStallMillis(),
              rolling.restartedInstances()));
      System.out.print(out);
      Files.writeString(report, out.toString());
    } finally {
      Directories.delete(root);
    }
  }

  private static List<Double> doubles(List<Long> values) {
    return values.stream().map(Long::doubleValue).toList();
  }

  /** Seconds between one restarted pod's creation and the next one's, shard by shard. */
  private static List<Double> steps(Map<String, Instant> restartedAt) {
    Map<String, List<Instant>> byShard = new HashMap<>();
    restartedAt.forEach(
        (pod, at) ->
            byShard
                .computeIfAbsent(pod.substring(0, pod.lastIndexOf('-')), k -> new ArrayList<>())
                .add(at));
    List<Double> steps = new ArrayList<>();
    for (List<Instant> times : byShard.values()) {
      List<Instant> sorted = times.stream().sorted().toList();
      for (int i = 1; i < sorted.size(); i++) {
        steps.add(Duration.between(sorted.get(i - 1), sorted.get(i)).toMillis() / 1000.0);
      }
    }
    return steps;
  }
}
