package io.pgshard.e2e.chaos;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.operator.api.v1alpha1.FailoverRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One chaos run on the real control plane (the chart's operator, two replicas with leader election,
 * the process kubelet as the node): a shard of a primary and two standbys, {@link ChaosClient}
 * writing through the pooler, {@link SplitBrainWatch} polling every instance, and trials that each
 * inject one {@link Fault} at a random moment and measure what a client and a DBA would.
 */
final class ChaosRun implements AutoCloseable {

  static final String NS = "chaos";
  static final String CLUSTER = "chaos";
  static final String SHARD = ResourceNames.shard(CLUSTER, 0);
  static final int INSTANCES = 3;
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** A frozen pod is thawed (a partition healed) this long after the fault. */
  static final Duration THAW_AFTER = Duration.ofSeconds(8);

  /**
   * One trial. {@code recoverySeconds}: fault to the first acknowledged write that started after
   * it. {@code lost}: acknowledged writes (since the run began) missing on the primary afterwards.
   * {@code splitBrain}: rounds of the watch in which two instances acknowledged a write. {@code
   * rejoinSeconds}: fault to every instance running and streaming again. {@code primaries}: how
   * many instances run as primary afterwards.
   */
  record Trial(
      Fault fault,
      int number,
      double recoverySeconds,
      int lost,
      int splitBrain,
      double rejoinSeconds,
      int primaries,
      String from,
      String to) {}

  private final ControlPlaneCluster cluster;
  private final KubernetesClient client;
  private final ChaosClient app;
  private final SplitBrainWatch watch;
  private final Map<String, String> superuser;
  private final Random random;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private int missingBefore;
  private final TrialTrace trace;

  private ChaosRun(ControlPlaneCluster cluster, String mode, long seed) throws Exception {
    this.cluster = cluster;
    this.client = cluster.client();
    this.random = new Random(seed);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Samples.createOneShard(
        client, NS, CLUSTER, INSTANCES - 1, "sync".equals(mode), Duration.ofMinutes(3));
    Map<String, String> app = credentials(ResourceNames.appSecret(CLUSTER));
    this.superuser = credentials(ResourceNames.superuserSecret(CLUSTER));
    this.app =
        new ChaosClient(
            cluster.serviceAddress(NS, ResourceNames.pooler(SHARD)),
            app.get("username"),
            app.get("password"));
    this.watch = new SplitBrainWatch(this::addresses, app.get("username"), app.get("password"));
    this.trace = new TrialTrace(client, NS, CLUSTER, SHARD, this.app);
  }

  static ChaosRun start(ControlPlaneCluster cluster, String mode, long seed) throws Exception {
    return new ChaosRun(cluster, mode, seed);
  }

  Trial trial(Fault fault, int number) throws Exception {
    awaitSteady();
    // both operator replicas ready and settled before a fault: a trial that kills the leader while
    // the other replica is still starting or warming up (restarted after the last trial) measures
    // the JVM's start, not a takeover by a follower that has been standing by, as in production.
    // Waited for here, not in awaitSteady, so that rejoin times do not include it.
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.operatorsReady(OPERATOR_SETTLED));
    int acked = app.acknowledgedCount();
    await().atMost(TIMEOUT).until(() -> app.acknowledgedCount() >= acked + 50);
    Thread.sleep(random.nextInt(1000)); // a random moment
    String old = primary();
    FailoverRecord before = shard().getStatus().getLastFailover();
    int splitBefore = watch.moments();
    long faultAt = System.nanoTime();
    trace.start(faultAt);
    Injected injected = inject(fault, old);
    Runnable after = injected.undo();
    try {
      // a write that started before the fault took hold (a signal takes a few ms) does not count
      long effective = injected.effectiveAt();
      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> app.firstAckStartedAfter(effective).isPresent());
      double recovery = (app.firstAckStartedAfter(effective).getAsLong() - faultAt) / 1e9;
      if (fault.movesPrimary()) {
        // a promotion happened; usually of another instance, but a killed primary that restarted
        // (as a standby, with all its WAL) before the operator acted may be the best candidate
        await()
            .atMost(TIMEOUT)
            .ignoreExceptions()
            .until(() -> primary() != null && promotedSince(before));
      }
      after.run();
      awaitSteady();
      double rejoin = (System.nanoTime() - faultAt) / 1e9;
      String now = primary();
      // acknowledged writes missing now that were not missing before this trial (one lost in an
      // earlier trial stays lost, and is counted there)
      int lost;
      try (Connection db = connect(now)) {
        int missingNow = missing(db, app.acknowledged());
        lost = missingNow - missingBefore;
        missingBefore = missingNow;
      }
      return new Trial(
          fault,
          number,
          recovery,
          lost,
          watch.moments() - splitBefore,
          rejoin,
          primariesRunning(),
          old,
          now);
    } finally {
      after.run();
      trace.stop();
    }
  }

  /** When the fault had taken hold, and what undoes it (safe to run more than once). */
  record Injected(long effectiveAt, Runnable undo) {}

  /** Injects {@code fault} into the shard whose primary is {@code old}. */
  private Injected inject(Fault fault, String old) throws Exception {
    switch (fault) {
      case KILL9 -> {
        cluster.kubelet().kill(NS, old);
        return new Injected(System.nanoTime(), () -> {});
      }
      case FREEZE -> {
        Runnable thaw = freeze(old);
        return new Injected(System.nanoTime(), thaw);
      }
      case STANDBY_FREEZE -> {
        List<String> standbys = pods().stream().filter(p -> !p.equals(old)).toList();
        Runnable thaw = freeze(standbys.get(random.nextInt(standbys.size())));
        return new Injected(System.nanoTime(), thaw);
      }
      case PARTITION -> {
        Partition cut = Partition.cut(cluster.kubelet().podIp(NS, old));
        long at = System.nanoTime();
        later.schedule(cut::heal, THAW_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        return new Injected(
            at,
            () -> {
              sleepUntil(at + THAW_AFTER.toNanos());
              cut.heal();
            });
      }
      case OPERATOR_KILL -> {
        int leader = cluster.leaderReplica();
        cluster.kubelet().kill(NS, old);
        long at = System.nanoTime();
        Thread.sleep(random.nextInt(1500));
        cluster.operator(leader).kill();
        return new Injected(at, once(() -> cluster.startOperator(leader)));
      }
      case CANDIDATE_KILL -> {
        FailoverRecord before = shard().getStatus().getLastFailover();
        cluster.kubelet().kill(NS, old);
        long at = System.nanoTime();
        String candidate = awaitCandidate(before);
        if (candidate != null) {
          cluster.kubelet().kill(NS, candidate);
        }
        return new Injected(at, () -> {});
      }
      default -> throw new IllegalArgumentException(fault.id);
    }
  }

  /** SIGSTOP of the pod; the undo thaws it once {@link #THAW_AFTER} has passed, not sooner. */
  private Runnable freeze(String pod) {
    cluster.kubelet().signal(NS, pod, "STOP");
    long thawAt = System.nanoTime() + THAW_AFTER.toNanos();
    Runnable thaw = once(() -> cluster.kubelet().signal(NS, pod, "CONT"));
    later.schedule(thaw, THAW_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      sleepUntil(thawAt);
      thaw.run();
    };
  }

  private static void sleepUntil(long nanos) {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Runnable once(Runnable action) {
    boolean[] done = {false};
    return () -> {
      synchronized (done) {
        if (!done[0]) {
          done[0] = true;
          action.run();
        }
      }
    };
  }

  /** The promotion target once the operator records it (or the new primary, if it was quicker). */
  private String awaitCandidate(FailoverRecord before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        PostgresShard s = shard();
        if (s.getStatus().getTargetPrimary() != null) {
          return s.getStatus().getTargetPrimary();
        }
        FailoverRecord last = s.getStatus().getLastFailover();
        if (last != null && !Objects.equals(json(last), json(before))) {
          return last.getTo();
        }
      } catch (RuntimeException e) {
        // look again
      }
      Thread.sleep(10);
    }
    return null;
  }

  private boolean promotedSince(FailoverRecord before) {
    FailoverRecord last = shard().getStatus().getLastFailover();
    return last != null && !Objects.equals(json(last), json(before));
  }

  private static String json(FailoverRecord r) {
    return r == null ? "" : r.getTo() + "@" + r.getPromotedAt();
  }

  /** One labelled primary, every instance ready and streaming from it. */
  /** How long a restarted operator replica runs before the next trial. */
  static final Duration OPERATOR_SETTLED = Duration.ofSeconds(45);

  private void awaitSteady() {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              String p = primary();
              return p != null && ready() == INSTANCES && streaming(p) == INSTANCES - 1;
            });
  }

  String primary() {
    return instances().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
        .map(p -> p.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  private long ready() {
    return instances().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count();
  }

  private int streaming(String primary) throws Exception {
    try (Connection db = connect(primary);
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private int primariesRunning() {
    int n = 0;
    for (String pod : pods()) {
      try (Connection db = connect(pod);
          Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        n += rs.getBoolean(1) ? 0 : 1;
      } catch (Exception e) {
        // not running: not a primary
      }
    }
    return n;
  }

  private List<String> pods() {
    return instances().stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private Map<String, String> addresses() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < INSTANCES; i++) {
      String pod = ResourceNames.pod(SHARD, i);
      out.put(pod, cluster.kubelet().podIp(NS, pod));
    }
    return out;
  }

  private List<Pod> instances() {
    return client
        .pods()
        .inNamespace(NS)
        .withLabels(Labels.instanceSelector(CLUSTER, SHARD))
        .list()
        .getItems();
  }

  /** The errors the writing client has seen so far. */
  List<String> clientErrors() {
    return app.errors();
  }

  /** Waits until one primary is labelled and every instance is ready and streaming from it. */
  void steady() {
    awaitSteady();
  }

  /** Waits until the client has {@code more} acknowledged writes more than now. */
  void awaitWrites(int more) {
    int acked = app.acknowledgedCount();
    await().atMost(TIMEOUT).until(() -> app.acknowledgedCount() >= acked + more);
  }

  /** Acknowledged writes (since the run began) the current primary does not have. */
  int lostWrites() throws Exception {
    try (Connection db = connect(primary())) {
      return missing(db, app.acknowledged());
    }
  }

  PostgresShard shard() {
    return client.resources(PostgresShard.class).inNamespace(NS).withName(SHARD).get();
  }

  private Connection connect(String pod) throws Exception {
    return Jdbc.connect(
        cluster.kubelet().podIp(NS, pod),
        5432,
        superuser.get("username"),
        superuser.get("password"),
        "app",
        2,
        10);
  }

  private static int missing(Connection db, List<Long> ids) throws Exception {
    Array array = db.createArrayOf("bigint", ids.toArray());
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT count(*) FROM unnest(?::bigint[]) x"
                + " WHERE NOT EXISTS (SELECT 1 FROM chaos_acks WHERE id = x)")) {
      st.setArray(1, array);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private Map<String, String> credentials(String secret) {
    return SecretValues.credentials(client, NS, List.of(secret)).get(secret);
  }

  /** What the last trial's samples showed, from its fault on. */
  String trace() {
    return trace.toString();
  }

  /** The shard and its pods as the API sees them, and the operator replicas' logs. */
  String diagnostics() {
    return trace()
        + cluster.kubectl("get", "postgresshards,pods", "-n", NS, "-o", "yaml").output()
        + "\n"
        + cluster.kubectl("get", "events", "-n", NS).output()
        + "\n"
        + instanceLogs()
        + cluster.operatorLogs();
  }

  /** The last lines of every instance's containers, all restarts. */
  private String instanceLogs() {
    StringBuilder out = new StringBuilder();
    for (int ordinal = 0; ordinal < INSTANCES; ordinal++) {
      String pod = ResourceNames.pod(SHARD, ordinal);
      List<String> lines = cluster.kubelet().logs(NS, pod).lines().toList();
      lines
          .subList(Math.max(0, lines.size() - 80), lines.size())
          .forEach(l -> out.append(l).append('\n'));
    }
    return out.toString();
  }

  @Override
  public void close() throws Exception {
    later.shutdownNow();
    trace.close();
    watch.close();
    app.close();
  }

  static Path root() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }
}
