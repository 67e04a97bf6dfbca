package io.pgshard.e2e.bench;

import io.pgshard.e2e.controlplane.Binaries;
import io.pgshard.e2e.harness.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Operator memory benchmark (not part of {@code mvn verify}; run by e2e/bench/memory.sh): the
 * operator jar's resident set and heap after a full GC, idle with no ShardedCluster and then with
 * 1, 10 and 50 clusters of 4 shards on the fabric8 mock API server ({@link MemoryRun}). Prints a
 * min/median/max table and one {@code MEMORY} line per point.
 */
class OperatorMemoryBenchmark {

  @Test
  void memory() throws Exception {
    List<Integer> points =
        Arrays.stream(System.getProperty("bench.clusters", "0,1,10,50").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    String jvm = System.getProperty("bench.jvmOptions", "");
    MemoryRun.Settings settings =
        new MemoryRun.Settings(
            points,
            Integer.getInteger("bench.samples", 5),
            Duration.ofSeconds(Integer.getInteger("bench.sampleIntervalSeconds", 2)),
            Duration.ofSeconds(Integer.getInteger("bench.quietSeconds", 5)),
            Duration.ofMinutes(10),
            jvm.isBlank() ? MemoryRun.CHART_JVM_OPTIONS : List.of(jvm.trim().split("\\s+")));
    Path report = Path.of(System.getProperty("bench.report", "target/bench/memory.txt"));
    Files.createDirectories(report.toAbsolutePath().getParent());
    boolean controlPlane = "controlplane".equals(System.getProperty("bench.level", "mock"));
    List<MemoryRun.Point> measured;
    if (controlPlane) {
      Path root = Directories.newRoot("pgmem");
      try {
        measured = MemoryRun.runOnControlPlane(settings, root);
      } finally {
        Directories.delete(root);
      }
    } else {
      measured = MemoryRun.run(settings, report.resolveSibling("memory-operator.log"));
    }
    String table = table(settings, measured, controlPlane);
    Files.writeString(report, table);
    System.out.print(table);
  }

  static String table(
      MemoryRun.Settings settings, List<MemoryRun.Point> points, boolean controlPlane) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "pgshard operator memory benchmark: ShardedClusters of %d shards (samples/minimal.yaml:"
                + " 1 replica, pooler on) on %s, no pods running; the"
                + " operator jar as its own JVM (%s), %s; per point %d samples"
                + " %d s apart, each after a full GC (jcmd GC.run), once every object existed and"
                + " the operator had not written for %d s; the clusters of a point stay for the"
                + " next%n",
            MemoryFleet.SHARDS_PER_CLUSTER,
            controlPlane
                ? "the real control plane (Kubernetes " + Binaries.VERSION + ", audit log)"
                : "the fabric8 mock API server",
            String.join(" ", settings.jvmOptions()),
            controlPlane
                ? "the leader of the chart's two replicas in production configuration (leader"
                    + " election, server-side apply, instance monitor on, the chart's RBAC);"
                    + " requests and writes leave out the Lease"
                : "instance monitor off",
            settings.samples(),
            settings.sampleInterval().toSeconds(),
            settings.quiet().toSeconds()));
    out.append(String.format(Locale.ROOT, "%-30s %-9s %-9s %-9s%n", "MiB", "min", "median", "max"));
    for (MemoryRun.Point p : points) {
      out.append(Stats.row("RSS, " + label(p), 30, 9, 1, p.rssMib()));
    }
    for (MemoryRun.Point p : points) {
      out.append(Stats.row("heap after GC, " + label(p), 30, 9, 1, p.heapAfterGcMib()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%-9s %-7s %-6s %-14s %-9s %-7s %-14s %-12s %s%n",
            "clusters",
            "shards",
            "added",
            "metaspace_mib",
            "requests",
            "writes",
            "idle_requests",
            "idle_writes",
            "converge_s"));
    int before = 0;
    for (MemoryRun.Point p : points) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-9d %-7d %-6d %-14.1f %-9d %-7d %-14d %-12d %.1f%n",
              p.clusters(),
              p.postgresShards(),
              p.clusters() - before,
              Stats.median(p.metaspaceMib()),
              p.requests(),
              p.writes(),
              p.idleRequests(),
              p.idleWrites(),
              p.convergeSeconds()));
      before = p.clusters();
    }
    before = 0;
    for (MemoryRun.Point p : points) {
      out.append(
          String.format(
              Locale.ROOT,
              "MEMORY level=%s clusters=%d shards=%d rss_median_mib=%.1f"
                  + " heap_after_gc_median_mib=%.1f added=%d requests=%d writes=%d converge_s=%.1f%n",
              controlPlane ? "controlplane" : "mock",
              p.clusters(),
              p.postgresShards(),
              Stats.median(p.rssMib()),
              Stats.median(p.heapAfterGcMib()),
              p.clusters() - before,
              p.requests(),
              p.writes(),
              p.convergeSeconds()));
      before = p.clusters();
    }
    return out.toString();
  }

  private static String label(MemoryRun.Point p) {
    return p.clusters() + (p.clusters() == 1 ? " cluster" : " clusters");
  }
}
