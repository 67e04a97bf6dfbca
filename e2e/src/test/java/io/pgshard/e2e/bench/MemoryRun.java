package io.pgshard.e2e.bench;

import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.process.OperatorProcess;
import io.pgshard.operator.testing.MockKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the memory benchmark: the fabric8 mock API server, the operator jar as its own JVM
 * against it, and for each point (a number of ShardedClusters, growing: the clusters of a point
 * stay for the next) the operator's memory once it has converged. Converged means every object the
 * clusters need exists ({@link MemoryFleet#missing()}) and the operator has written nothing for
 * {@link Settings#quiet()}. Then {@link Settings#samples()} readings, {@link
 * Settings#sampleInterval()} apart, each after a forced full GC.
 */
final class MemoryRun {

  static final String NAMESPACE = "memory-bench";

  /**
   * The image's JVM options ({@code operator/Dockerfile}: {@code -XX:MaxRAMPercentage=75
   * -XX:+ExitOnOutOfMemoryError}) as they act in the chart's 512 MiB memory limit: a 384 MiB heap,
   * and the Serial collector, which the JVM chooses in a container with less than about 2 GB.
   */
  static final List<String> CHART_JVM_OPTIONS =
      List.of(
          "-XX:MaxRAM=512m",
          "-XX:MaxRAMPercentage=75",
          "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError");

  /** What to measure and how patiently. */
  record Settings(
      List<Integer> points,
      int samples,
      Duration sampleInterval,
      Duration quiet,
      Duration timeout,
      List<String> jvmOptions) {}

  /**
   * The readings at one point. {@code requests} and {@code writes} are the operator's API calls
   * from the end of the previous point's samples (for the first point: from its start) until
   * convergence, {@code idleRequests} and {@code idleWrites} those while the samples were taken.
   */
  record Point(
      int clusters,
      int postgresShards,
      List<JvmMemory.Sample> samples,
      int requests,
      int writes,
      int idleRequests,
      int idleWrites,
      double convergeSeconds) {

    List<Double> rssMib() {
      return samples.stream().map(JvmMemory.Sample::rssMib).toList();
    }

    List<Double> heapAfterGcMib() {
      return samples.stream().map(JvmMemory.Sample::heapAfterGcMib).toList();
    }

    List<Double> metaspaceMib() {
      return samples.stream().map(JvmMemory.Sample::metaspaceMib).toList();
    }
  }

  private final OperatorProcess operator;
  private final Settings settings;
  private final MemoryFleet fleet;
  private final Traffic traffic;

  private MemoryRun(
      OperatorProcess operator, Settings settings, MemoryFleet fleet, Traffic traffic) {
    this.operator = operator;
    this.settings = settings;
    this.fleet = fleet;
    this.traffic = traffic;
  }

  /**
   * The same on the real control plane, in the production configuration (the chart's two replicas,
   * leader election, server-side apply, the instance monitor on, the chart's RBAC), measuring the
   * leader. No node joins, so no pod runs: the operator's caches hold the Pending pods, its monitor
   * has nothing to reach.
   */
  static List<Point> runOnControlPlane(Settings settings, Path root) throws Exception {
    try (ControlPlaneCluster cluster =
        ControlPlaneCluster.start(
            root,
            Map.of(),
            line -> {},
            new ControlPlaneCluster.Options(settings.jvmOptions(), false))) {
      cluster.kubectl("create", "namespace", NAMESPACE);
      long deadline = System.nanoTime() + settings.timeout().toNanos();
      while (cluster.leader() == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no replica took the Lease\n" + cluster.operatorLogs());
        }
        Thread.sleep(200);
      }
      int leader = cluster.leaderReplica();
      MemoryRun run =
          new MemoryRun(
              cluster.operator(leader),
              settings,
              new MemoryFleet(cluster.client(), NAMESPACE),
              new AuditTraffic(cluster.controlPlane().auditLog(), cluster.operatorUser().name()));
      run.awaitReady();
      List<Point> points = new ArrayList<>();
      for (int clusters : settings.points()) {
        points.add(run.measure(clusters));
      }
      return points;
    }
  }

  /** Measures every point in one operator process; its output goes to {@code log}. */
  static List<Point> run(Settings settings, Path log) throws Exception {
    try (MockKubernetes kube = MockKubernetes.start();
        OperatorProcess operator =
            OperatorProcess.start(
                kube,
                NAMESPACE,
                settings.jvmOptions(),
                // no PostgreSQL behind the mock's pods: nothing to probe, promote or maintain
                Map.of("PGSHARD_INSTANCE_MONITOR", "false"),
                log)) {
      MemoryRun run =
          new MemoryRun(
              operator,
              settings,
              new MemoryFleet(kube.client(), NAMESPACE),
              new OperatorRequests(kube));
      run.awaitReady();
      List<Point> points = new ArrayList<>();
      for (int clusters : settings.points()) {
        points.add(run.measure(clusters));
      }
      return points;
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    while (!ready()) {
      check(deadline, "operator not ready (/readyz)");
      Thread.sleep(200);
    }
  }

  private boolean ready() {
    try {
      return operator.get("/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Point measure(int clusters) throws Exception {
    long start = System.nanoTime();
    fleet.growTo(clusters);
    awaitConverged(start);
    Traffic.Counts converging = traffic.counts();
    double convergeSeconds = Math.max(0, traffic.lastWriteNanos() - start) / 1e9;
    int shards = fleet.postgresShards();

    traffic.reset(System.nanoTime());
    List<JvmMemory.Sample> samples = new ArrayList<>();
    for (int i = 0; i < settings.samples(); i++) {
      Thread.sleep(settings.sampleInterval().toMillis());
      checkAlive("sampling");
      samples.add(JvmMemory.afterGc(operator.pid()));
    }
    traffic.poll();
    Traffic.Counts idle = traffic.counts();
    traffic.reset(System.nanoTime());
    return new Point(
        clusters,
        shards,
        samples,
        converging.requests(),
        converging.writes(),
        idle.requests(),
        idle.writes(),
        convergeSeconds);
  }

  /** Until every object exists and the operator has not written for the quiet period. */
  private void awaitConverged(long start) throws Exception {
    long deadline = start + settings.timeout().toNanos();
    long nextObjectCheck = 0;
    List<String> missing = List.of("(not checked yet)");
    while (true) {
      traffic.poll();
      long now = System.nanoTime();
      if (!missing.isEmpty() && now >= nextObjectCheck) {
        // listing every object is work for the API server too: once a second, until all exist
        missing = fleet.missing();
        nextObjectCheck = now + Duration.ofSeconds(1).toNanos();
      }
      long quietSince = Math.max(start, traffic.lastWriteNanos());
      if (missing.isEmpty() && now - quietSince >= settings.quiet().toNanos()) {
        return;
      }
      check(
          deadline,
          fleet.clusters()
              + " clusters not converged; missing "
              + missing.size()
              + " objects, e.g. "
              + missing.subList(0, Math.min(5, missing.size()))
              + ", last operator write "
              + (now - quietSince) / 1_000_000
              + " ms ago");
      Thread.sleep(250);
    }
  }

  private void check(long deadline, String what) throws IOException {
    checkAlive(what);
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(
          "timed out after " + settings.timeout() + ": " + what + "\n" + logTail());
    }
  }

  private void checkAlive(String what) throws IOException {
    if (!operator.isAlive()) {
      throw new IllegalStateException("operator exited; " + what + "\n" + logTail());
    }
  }

  private String logTail() throws IOException {
    List<String> lines = Files.readAllLines(operator.log());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
