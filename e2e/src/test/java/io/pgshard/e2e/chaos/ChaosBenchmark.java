package io.pgshard.e2e.chaos;

import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chaos runner (not part of {@code mvn verify}; run by {@code e2e/bench/chaos.sh}): for every
 * fault asked for, {@code bench.trials} trials on the real control plane (see {@link ChaosRun}),
 * then a table per fault and one {@code CHAOS} line per fault. The report is rewritten after every
 * trial, so a run cut short still shows what it measured.
 */
class ChaosBenchmark {

  @Test
  void chaos() throws Exception {
    String mode = System.getProperty("bench.mode", "sync");
    int trials = Integer.getInteger("bench.trials", "sync".equals(mode) ? 50 : 20);
    List<Fault> faults = Fault.parse(System.getProperty("bench.faults", ""));
    long seed = Long.getLong("bench.seed", System.currentTimeMillis());
    Path report =
        Path.of(System.getProperty("bench.report", "target/bench/chaos-" + mode + ".txt"));
    Files.createDirectories(report.toAbsolutePath().getParent());

    Map<Fault, List<ChaosRun.Trial>> results = new LinkedHashMap<>();
    Map<Fault, String> skipped = new LinkedHashMap<>();
    failed.clear();
    String header =
        String.format(
            Locale.ROOT,
            "pgshard chaos run on the real control plane (Kubernetes v1.20.2, the chart's operator:"
                + " 2 replicas, leader election; pods as processes on this machine): mode=%s,"
                + " 1 shard of 3 instances (PostgreSQL 15), %d client threads writing through the"
                + " pooler (PgBouncer 1.18), operator defaults probeInterval=1s failureThreshold=3;"
                + " seed %d%n",
            mode,
            ChaosClient.THREADS,
            seed);
    Path root = Directories.newRoot("pgchaos");
    Diagnostics diagnostics = new Diagnostics();
    try (ControlPlaneCluster cluster =
            ControlPlaneCluster.start(root, Map.of(), line -> System.out.println(line));
        ChaosRun run = ChaosRun.start(cluster, mode, seed)) {
      diagnostics.run = run;
      for (Fault fault : faults) {
        if (fault == Fault.PARTITION && Partition.unavailable() != null) {
          skipped.put(fault, Partition.unavailable());
          continue;
        }
        List<ChaosRun.Trial> done = new ArrayList<>();
        results.put(fault, done);
        int inARow = 0;
        for (int t = 1; t <= trials; t++) {
          try {
            ChaosRun.Trial trial = run.trial(fault, t);
            done.add(trial);
            inARow = 0;
            System.out.println(row(trial));
            if (Boolean.getBoolean("bench.trace")) {
              System.out.println(run.trace());
            }
          } catch (Exception | AssertionError e) {
            // a trial that did not end (no write acknowledged, no new primary, no steady state
            // within the time allowed) is counted and shown, never dropped
            failed.computeIfAbsent(fault, f -> new ArrayList<>()).add("trial " + t + ": " + e);
            System.out.println("trial " + t + " of " + fault.id + " failed: " + e);
            System.out.println(run.diagnostics());
            if (++inARow >= 3) {
              throw e;
            }
          }
          write(report, header + render(mode, results, skipped));
        }
      }
    } catch (Exception | AssertionError e) {
      write(report, header + render(mode, results, skipped) + "run stopped: " + e + "\n");
      System.out.println(diagnostics);
      throw e;
    } finally {
      Directories.delete(root);
    }
    String text = header + render(mode, results, skipped);
    write(report, text);
    System.out.print(text);
  }

  /** What a failed run prints: the API's view of the shard and both operators' logs. */
  static final class Diagnostics {
    ChaosRun run;

    @Override
    public String toString() {
      return run == null ? "" : run.diagnostics();
    }
  }

  /** Trials that did not end, per fault, with why. */
  static final Map<Fault, List<String>> failed = new LinkedHashMap<>();

  static String render(
      String mode, Map<Fault, List<ChaosRun.Trial>> results, Map<Fault, String> skipped) {
    StringBuilder out = new StringBuilder();
    for (var entry : results.entrySet()) {
      List<ChaosRun.Trial> trials = entry.getValue();
      failed
          .getOrDefault(entry.getKey(), List.of())
          .forEach(
              f ->
                  out.append("failed ")
                      .append(entry.getKey().id)
                      .append(' ')
                      .append(f)
                      .append('\n'));
      if (trials.isEmpty()) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%nfault %s%n", entry.getKey().id));
      out.append(
          String.format(
              Locale.ROOT,
              "%-6s %-11s %-6s %-6s %-9s %-10s %s%n",
              "trial",
              "recovery_s",
              "lost",
              "split",
              "rejoin_s",
              "primaries",
              "primary"));
      trials.forEach(t -> out.append(row(t)).append('\n'));
      List<Double> recovery = trials.stream().map(ChaosRun.Trial::recoverySeconds).toList();
      List<Double> rejoin = trials.stream().map(ChaosRun.Trial::rejoinSeconds).toList();
      out.append(
          String.format(
              Locale.ROOT, "%-30s %-8s %-8s %-8s %-8s%n", "", "min", "median", "p95", "max"));
      out.append(stats("fault -> first ack (s)", recovery));
      out.append(stats("fault -> all streaming (s)", rejoin));
    }
    out.append('\n');
    for (var entry : results.entrySet()) {
      List<ChaosRun.Trial> trials = entry.getValue();
      if (trials.isEmpty()) {
        continue;
      }
      List<Double> recovery = trials.stream().map(ChaosRun.Trial::recoverySeconds).toList();
      out.append(
          String.format(
              Locale.ROOT,
              "CHAOS fault=%s mode=%s trials=%d median_s=%.2f p95_s=%.2f max_s=%.2f"
                  + " lost_acked_writes=%d split_brain=%d primaries_after_max=%d"
                  + " failed_trials=%d%n",
              entry.getKey().id,
              mode,
              trials.size(),
              percentile(recovery, 50),
              percentile(recovery, 95),
              percentile(recovery, 100),
              trials.stream().mapToInt(ChaosRun.Trial::lost).sum(),
              trials.stream().mapToInt(ChaosRun.Trial::splitBrain).sum(),
              trials.stream().mapToInt(ChaosRun.Trial::primaries).max().orElse(0),
              failed.getOrDefault(entry.getKey(), List.of()).size()));
    }
    skipped.forEach(
        (fault, why) ->
            out.append(String.format(Locale.ROOT, "CHAOS fault=%s not run: %s%n", fault.id, why)));
    return out.toString();
  }

  static String row(ChaosRun.Trial t) {
    return String.format(
        Locale.ROOT,
        "%-6d %-11.2f %-6d %-6d %-9.2f %-10d %s -> %s",
        t.number(),
        t.recoverySeconds(),
        t.lost(),
        t.splitBrain(),
        t.rejoinSeconds(),
        t.primaries(),
        t.from(),
        t.to());
  }

  static String stats(String name, List<Double> values) {
    return String.format(
        Locale.ROOT,
        "%-30s %-8.2f %-8.2f %-8.2f %-8.2f%n",
        name,
        percentile(values, 0),
        percentile(values, 50),
        percentile(values, 95),
        percentile(values, 100));
  }

  /** Nearest-rank percentile (0 is the minimum, 100 the maximum). */
  static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    if (p <= 0) {
      return sorted.get(0);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.min(sorted.size(), Math.max(1, rank)) - 1);
  }

  private static void write(Path report, String text) throws IOException {
    Files.writeString(report, text);
  }
}
