package io.pgshard.e2e.bench;

import io.pgshard.e2e.backups.BackupRun;
import io.pgshard.e2e.backups.BackupRun.Target;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.Writer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The backup benchmark (not part of {@code mvn verify}; run by {@code e2e/bench/backup.sh}): a
 * cluster with backups on the local harness or the real control plane, {@code bench.mb} MB of rows
 * per shard, then an on-demand base backup of every shard (Barman Cloud to s3rver) against a plain
 * {@code pg_basebackup} of the same standbys in the same run, {@code bench.points} cross-shard
 * restore points while a client writes through every shard's pooler (the pause as the client sees
 * it: the longest INSERT overlapping each point), and a new cluster restored to the last point,
 * checked shard by shard. A table, then one {@code BACKUP} line.
 */
class BackupBenchmark {

  static final String NS = "bench";
  static final Pattern FETCHED = Pattern.compile("fetched \\S+: (\\d+) bytes in (\\d+) ms");
  static final Pattern IN_ALL = Pattern.compile("restore (\\d+) ms in all");

  @Test
  void backup() throws Exception {
    String level = System.getProperty("bench.level", "local");
    int shards = Integer.getInteger("bench.shards", 2);
    int mb = Integer.getInteger("bench.mb", 64);
    int points = Integer.getInteger("bench.points", 5);
    Path report = Path.of(System.getProperty("bench.report", "target/bench/backup.txt"));
    Files.createDirectories(report.toAbsolutePath().getParent());

    Path root = Directories.newRoot("pgbackup");
    try (Harness harness = start(level, root);
        BackupRun run = BackupRun.start(harness, NS, "orders", shards, 1)) {
      run.awaitReadyAndBackedUp();
      // ~160 bytes a row on disk with a 128-byte random pad
      long rows = mb * 1024L * 1024L / 160;
      run.write("before-backup", 1, rows, 128);
      long bytes = 0;
      for (PostgresShard shard : run.source().shards()) {
        bytes += run.databaseBytes(shard.getMetadata().getName());
      }

      Map<String, BaseBackupRecord> backups = run.backupNow("bench");
      Instant first =
          backups.values().stream()
              .map(b -> Instant.parse(b.getStartedAt()))
              .min(Instant::compareTo)
              .orElseThrow();
      Instant last =
          backups.values().stream()
              .map(b -> Instant.parse(b.getFinishedAt()))
              .max(Instant::compareTo)
              .orElseThrow();
      double backupSeconds = Duration.between(first, last).toMillis() / 1000.0;
      double basebackupSeconds = basebackups(harness, run);

      List<Double> pauses = new ArrayList<>();
      List<Writer> writers = run.writers();
      String lastPoint = null;
      long ackedBeforeLastPoint = 0;
      List<long[]> windows = new ArrayList<>();
      try {
        writers.forEach(w -> w.awaitAcknowledged(100, BackupRun.WRITE));
        for (int i = 1; i <= points; i++) {
          lastPoint = "bench-" + i;
          ackedBeforeLastPoint =
              writers.stream().mapToLong(w -> w.acknowledged().size()).min().orElse(0);
          long requested = System.nanoTime();
          run.restorePoint(lastPoint);
          long seen = System.nanoTime();
          windows.add(new long[] {requested, seen});
          writers.forEach(w -> w.awaitAcknowledged(w.acknowledged().size() + 50L, BackupRun.WRITE));
        }
      } finally {
        writers.forEach(Writer::close);
      }
      for (long[] window : windows) {
        pauses.add(longestInsertMillis(writers, window[0], window[1]));
      }
      List<Double> baseline = latenciesOutside(writers, windows);
      long errors = writers.stream().mapToLong(w -> w.errors().size()).sum();
      run.write("after-point", rows + 1, 1000, 0);

      ClusterView restored = run.restore("restored", shards, 0, Target.point(lastPoint));
      BackupRun.awaitRestored(restored, shards, c -> "True".equals(c.getStatus()));
      restored.awaitReady(shards, BackupRun.CONVERGE);
      long restoredBytes = 0;
      long restoreMillis = 0;
      List<Double> restorePerShard = new ArrayList<>();
      boolean match = true;
      StringBuilder checks = new StringBuilder();
      for (PostgresShard shard : restored.shards()) {
        String name = shard.getMetadata().getName();
        String log = run.restoreLog(name + "-0");
        Matcher fetched = FETCHED.matcher(log);
        Matcher all = IN_ALL.matcher(log);
        if (fetched.find() && all.find()) {
          long b = Long.parseLong(fetched.group(1));
          long ms = Long.parseLong(all.group(1));
          restoredBytes += b;
          restoreMillis = Math.max(restoreMillis, ms);
          restorePerShard.add(b / 1048576.0 / (ms / 1000.0));
        }
        Map<String, Long> phases = BackupRun.phases(restored, name);
        long[] acks = BackupRun.acks(restored, name);
        boolean ok =
            phases.equals(Map.of("before-backup", rows))
                && acks[0] == acks[1]
                && acks[0] >= ackedBeforeLastPoint;
        match &= ok;
        checks.append(
            String.format(
                Locale.ROOT,
                "  %s: rows %s, acknowledged writes 1..%d (%d acknowledged before the last point"
                    + " was asked for): %s%n",
                name,
                phases,
                acks[1],
                ackedBeforeLastPoint,
                ok ? "match" : "MISMATCH"));
      }

      double totalMb = bytes / 1048576.0;
      double backupMbS = totalMb / backupSeconds;
      double basebackupMbS = totalMb / basebackupSeconds;
      double restoreMbS = restoredBytes / 1048576.0 / (restoreMillis / 1000.0);
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "pgshard backup benchmark on %s: %d shards of 2 instances (PostgreSQL 15), %.0f MB of"
                  + " databases in all, Barman Cloud 3.4 (gzip) to s3rver 3.7.1 on this machine;"
                  + " pg_basebackup (tar with its WAL, uncompressed, local disk) from the same standbys, all"
                  + " shards at once as the operator does%n%n",
              environment(level),
              shards,
              totalMb));
      out.append(String.format(Locale.ROOT, "%-52s %s%n", "", "all shards (MB/s)"));
      out.append(row("base backup, operator (Barman Cloud)", backupMbS, backupSeconds, totalMb));
      out.append(row("pg_basebackup, baseline", basebackupMbS, basebackupSeconds, totalMb));
      out.append(
          row(
              "restore to a point (barman-cloud-restore + replay)",
              restoreMbS,
              restoreMillis / 1000.0,
              restoredBytes / 1048576.0));
      out.append(
          String.format(Locale.ROOT, "%n%-52s %-9s %-9s %-9s%n", "", "min", "median", "max"));
      out.append(Stats.row("restore point pause, client-side (ms)", 52, 9, 1, pauses));
      out.append(Stats.row("INSERT latency outside the points (ms), baseline", 52, 9, 2, baseline));
      if (!restorePerShard.isEmpty()) {
        out.append(Stats.row("restore per shard (MB/s)", 52, 9, 1, restorePerShard));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "%n%d restore points, %d client errors through the paused poolers; restored to %s:%n%s%n",
              points,
              errors,
              lastPoint,
              checks));
      out.append(
          String.format(
              Locale.ROOT,
              "BACKUP shards=%d backup_mb_s=%.1f basebackup_mb_s=%.1f restore_mb_s=%.1f"
                  + " restore_point_pause_ms_median=%.1f restore_point_pause_ms_max=%.1f"
                  + " restored_rows_match=%s%n",
              shards,
              backupMbS,
              basebackupMbS,
              restoreMbS,
              Stats.median(pauses),
              pauses.stream().mapToDouble(d -> d).max().orElse(0),
              match && errors == 0 ? "yes" : "no"));
      Files.writeString(report, out.toString());
      System.out.print(out);
    } finally {
      Directories.delete(root);
    }
  }

  private static Harness start(String level, Path root) {
    return switch (level) {
      case "local" -> LocalCluster.start(root, Map.of(), line -> {});
      case "control-plane" -> ControlPlaneCluster.start(root, Map.of(), line -> {});
      default -> throw new IllegalArgumentException("bench.level: local or control-plane");
    };
  }

  private static String environment(String level) {
    return "local".equals(level)
        ? "the local harness (fabric8 mock API server, the operator in-process, pods as processes)"
        : "the real control plane (kube-apiserver v1.20.2, the chart's operator, pods as processes)";
  }

  private static String row(String name, double mbS, double seconds, double mb) {
    return String.format(Locale.ROOT, "%-52s %-9.1f (%.0f MB in %.1f s)%n", name, mbS, mb, seconds);
  }

  /** The longest INSERT of any writer that was under way at some moment in [from, to]. */
  static double longestInsertMillis(List<Writer> writers, long from, long to) {
    long longest = 0;
    for (Writer w : writers) {
      for (long[] t : w.timings()) {
        if (t[1] >= from && t[0] <= to) {
          longest = Math.max(longest, t[1] - t[0]);
        }
      }
    }
    return longest / 1e6;
  }

  private static List<Double> latenciesOutside(List<Writer> writers, List<long[]> windows) {
    List<Double> latencies = new ArrayList<>();
    for (Writer w : writers) {
      for (long[] t : w.timings()) {
        boolean inside = windows.stream().anyMatch(win -> t[1] >= win[0] && t[0] <= win[1]);
        if (!inside) {
          latencies.add((t[1] - t[0]) / 1e6);
        }
      }
    }
    return latencies.isEmpty() ? List.of(0.0) : latencies;
  }

  /**
   * pg_basebackup of every shard's standby at once (as the operator's backups run), to tar files on
   * local disk; the wall time in seconds.
   */
  private static double basebackups(Harness harness, BackupRun run) throws Exception {
    String cluster = run.source().cluster().getMetadata().getName();
    Map<String, String> replication =
        SecretValues.credentials(
                harness.client(), NS, List.of(ResourceNames.replicationSecret(cluster)))
            .get(ResourceNames.replicationSecret(cluster));
    Path dir = Files.createTempDirectory("pgshard-basebackup-");
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      long started = System.nanoTime();
      for (PostgresShard shard : run.source().shards()) {
        String name = shard.getMetadata().getName();
        String ip = harness.kubelet().podIp(NS, name + "-1");
        Path target = dir.resolve(name);
        runs.add(
            pool.submit(
                () -> {
                  ProcessBuilder pb =
                      new ProcessBuilder(
                              "/usr/lib/postgresql/15/bin/pg_basebackup",
                              "-h",
                              ip,
                              "-p",
                              "5432",
                              "-U",
                              replication.get("username"),
                              "-D",
                              target.toString(),
                              "-Ft",
                              // WAL in the backup, as by default: with -X none a standby's
                              // backup waits until its last segment is archived, which on a quiet
                              // primary may take forever (the operator switches WAL for that)
                              "-X",
                              "fetch",
                              "-c",
                              "fast")
                          .redirectErrorStream(true)
                          .redirectOutput(dir.resolve(name + ".log").toFile());
                  pb.environment().put("PGPASSWORD", replication.get("password"));
                  Process p = pb.start();
                  if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return -1;
                  }
                  return p.exitValue();
                }));
      }
      for (Future<Integer> f : runs) {
        if (f.get() != 0) {
          throw new IllegalStateException("pg_basebackup failed: " + readAll(dir));
        }
      }
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdownNow();
      Directories.delete(dir);
    }
  }

  private static String readAll(Path dir) throws IOException {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        out.append(Files.readString(f));
      }
    }
    return out.toString();
  }
}
