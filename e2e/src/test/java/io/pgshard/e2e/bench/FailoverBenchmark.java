package io.pgshard.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Failover benchmark (not part of {@code mvn verify}; run by e2e/bench/failover.sh): runs {@link
 * FailoverTrials} and prints a min/median/max table ending with the FAILOVER summary line.
 */
class FailoverBenchmark {

  @Test
  void failover() throws Exception {
    String mode = System.getProperty("bench.mode", "async");
    int trials = Integer.getInteger("bench.trials", 10);
    Path report =
        Path.of(System.getProperty("bench.report", "target/bench/failover-" + mode + ".txt"));
    String table = table(mode, FailoverTrials.run(mode, trials));
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, table);
    System.out.print(table);
  }

  static String table(String mode, List<FailoverTrials.Trial> trials) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "pgshard failover benchmark on the local harness: mode=%s trials=%d; 3 instances"
                + " (PostgreSQL 15), the pooler Deployment's PgBouncer 1.18 pods, writes through the"
                + " pooler Service; operator defaults: probeInterval=1s failureThreshold=3; kill -9"
                + " of the primary's container (restarted by the kubelet), its pod fenced by the"
                + " operator and recreated%n",
            mode,
            trials.size()));
    out.append(
        String.format(
            Locale.ROOT,
            "%-6s %-12s %-11s %-10s %s%n",
            "trial",
            "failover_s",
            "lost_acked",
            "rejoin_s",
            "promoted"));
    for (FailoverTrials.Trial t : trials) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-6d %-12.2f %-11d %-10.2f %s -> %s%n",
              t.number(),
              t.failoverSeconds(),
              t.lost(),
              t.rejoinSeconds(),
              t.from(),
              t.to()));
    }
    List<Double> failovers =
        trials.stream().map(FailoverTrials.Trial::failoverSeconds).sorted().toList();
    List<Double> rejoins =
        trials.stream().map(FailoverTrials.Trial::rejoinSeconds).sorted().toList();
    out.append(String.format(Locale.ROOT, "%-22s %-8s %-8s %-8s%n", "", "min", "median", "max"));
    out.append(row("kill -> first ack (s)", failovers));
    out.append(row("kill -> rejoined (s)", rejoins));
    int lost = trials.stream().mapToInt(FailoverTrials.Trial::lost).sum();
    out.append(
        String.format(
            Locale.ROOT,
            "FAILOVER trials=%d mode=%s median_s=%.2f max_s=%.2f lost_acked_writes=%d rejoin_median_s=%.2f%n",
            trials.size(),
            mode,
            median(failovers),
            failovers.get(failovers.size() - 1),
            lost,
            median(rejoins)));
    return out.toString();
  }

  static String row(String name, List<Double> values) {
    return Stats.row(name, 22, 8, 2, values);
  }

  static double median(List<Double> values) {
    return Stats.median(values);
  }
}
