package io.pgshard.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.e2e.controlplane.Binaries;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.PgBouncerConfig;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.SecretValues;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox: the local harness with the real operator, one manifest applied, its progress printed
 * (cluster and shard phases, events), and once every shard is Ready one {@code SHARD} line per
 * shard with the pooler's connection URL and the primary. Runs until interrupted (Ctrl-C), then
 * stops every process it started and removes its directory.
 */
public final class Sandbox implements AutoCloseable {

  public static final String NAMESPACE = "sandbox";

  private final Harness cluster;
  private final PrintStream out;
  private final Map<String, String> lastState = new HashMap<>();
  private final Set<String> seenEvents = new HashSet<>();
  private final Map<String, String> announcedPrimary = new HashMap<>();
  private volatile boolean stopped;

  private Sandbox(Harness cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
  }

  /** Starts the harness under {@code root} and applies {@code manifest}. */
  public static Sandbox start(Path manifest, Path root, PrintStream out) {
    Harness cluster = startCluster(root, out);
    Sandbox sandbox = new Sandbox(cluster, out);
    try {
      List<HasMetadata> objects = cluster.apply(manifest, NAMESPACE);
      for (HasMetadata o : objects) {
        out.println(
            stamp()
                + " applied "
                + o.getKind()
                + " "
                + NAMESPACE
                + "/"
                + o.getMetadata().getName());
      }
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  /**
   * The real control plane (etcd, kube-apiserver, controller-manager, scheduler, the operator as
   * the chart deploys it) where it is built, else the embedded mock API server, saying so.
   */
  private static Harness startCluster(Path root, PrintStream out) {
    java.util.function.Consumer<String> log = line -> out.println(stamp() + " kubelet: " + line);
    if (!Binaries.present()) {
      try {
        Binaries.find();
      } catch (IllegalStateException e) {
        out.println(stamp() + " no Kubernetes control plane: " + e.getMessage());
      }
      out.println(
          stamp()
              + " falling back to the embedded mock API server (no kubectl; the operator without"
              + " server-side apply and leader election)");
      return LocalCluster.start(root, Map.of(), log);
    }
    out.println(
        stamp()
            + " starting Kubernetes "
            + Binaries.VERSION
            + " (etcd, kube-apiserver, kube-controller-manager, kube-scheduler), the process"
            + " kubelet as a node, and the operator as the Helm chart deploys it (2 replicas)");
    ControlPlaneCluster cluster = ControlPlaneCluster.start(root, Map.of(), log);
    out.println(
        stamp()
            + " kubectl works against it:\nexport KUBECONFIG="
            + cluster.kubeconfig()
            + "\n  kubectl get shardedclusters,postgresshards,pods -n "
            + NAMESPACE
            + "\n  (operator logs: "
            + cluster.operatorLogDir()
            + ")");
    return cluster;
  }

  /** Prints what changed every second until {@link #close()}. */
  public void watch() {
    while (!stopped) {
      try {
        report();
      } catch (RuntimeException e) {
        out.println(stamp() + " (status unreadable: " + e.getMessage() + ")");
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * One look at the API: changed phases, new events, SHARD lines for shards ready or re-primaried.
   */
  public synchronized void report() {
    KubernetesClient client = cluster.client();
    for (Event e : client.v1().events().inNamespace(NAMESPACE).list().getItems()) {
      if (seenEvents.add(e.getMetadata().getName())) {
        out.println(
            stamp()
                + " event "
                + e.getType()
                + " "
                + e.getReason()
                + " "
                + e.getInvolvedObject().getName()
                + ": "
                + e.getMessage());
      }
    }
    for (ShardedCluster c :
        client.resources(ShardedCluster.class).inNamespace(NAMESPACE).list().getItems()) {
      String name = c.getMetadata().getName();
      String phase = c.getStatus() == null ? "Pending" : c.getStatus().getPhase();
      String ready =
          c.getStatus() == null ? "0/" + c.getSpec().getShards() : c.getStatus().getReadyShards();
      changed("cluster " + name, "phase=" + phase + " readyShards=" + ready);
      List<PostgresShard> shards =
          client.resources(PostgresShard.class).inNamespace(NAMESPACE).list().getItems().stream()
              .filter(s -> s.getMetadata().getName().startsWith(name + "-shard-"))
              .sorted(java.util.Comparator.comparing(s -> s.getSpec().getIndex()))
              .toList();
      for (PostgresShard s : shards) {
        var st = s.getStatus();
        changed(
            "shard " + s.getMetadata().getName(),
            st == null
                ? "Pending"
                : "phase="
                    + st.getPhase()
                    + " primary="
                    + st.getCurrentPrimary()
                    + " ready="
                    + st.getReadyInstances()
                    + "/"
                    + st.getDesiredInstances());
      }
      if ("Ready".equals(phase)) {
        for (PostgresShard s : shards) {
          announce(c, s);
        }
      }
    }
  }

  private void changed(String what, String state) {
    if (!state.equals(lastState.put(what, state))) {
      out.println(stamp() + " " + what + ": " + state);
    }
  }

  private void announce(ShardedCluster c, PostgresShard s) {
    String primary = s.getStatus() == null ? null : s.getStatus().getCurrentPrimary();
    if (primary == null || primary.equals(announcedPrimary.get(s.getMetadata().getName()))) {
      return;
    }
    announcedPrimary.put(s.getMetadata().getName(), primary);
    String secret = ResourceNames.appSecret(c.getMetadata().getName());
    Map<String, String> app =
        SecretValues.credentials(cluster.client(), NAMESPACE, List.of(secret)).get(secret);
    ShardLine line =
        new ShardLine(
            s.getSpec().getIndex(),
            app.get("username"),
            app.get("password"),
            cluster.serviceAddress(NAMESPACE, ResourceNames.pooler(s.getMetadata().getName())),
            PgBouncerConfig.PORT,
            c.getSpec().getDatabase().getName(),
            primary);
    out.println(line);
    LocalPod process = cluster.kubelet().process(NAMESPACE, primary, null);
    if (process != null) {
      out.println(
          "  (the primary's postmaster is PID "
              + process.pid()
              + ": kill -9 "
              + process.pid()
              + " shows a failover)");
    }
  }

  /** The SHARD lines printed so far, by shard name: the current primaries. */
  public synchronized Map<String, String> announced() {
    return Map.copyOf(announcedPrimary);
  }

  public Harness cluster() {
    return cluster;
  }

  private static String stamp() {
    return LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() {
    stopped = true;
    cluster.close();
  }

  /** {@code Sandbox [manifest]}: samples/minimal.yaml by default. */
  public static void main(String[] args) throws Exception {
    Path manifest = Path.of(args.length > 0 ? args[0] : "samples/minimal.yaml");
    if (!Files.isRegularFile(manifest)) {
      System.err.println("no such manifest: " + manifest);
      System.exit(2);
    }
    Path root = Directories.newRoot("pgsandbox");
    PrintStream out = System.out;
    out.println(
        stamp()
            + " pgshard sandbox: "
            + manifest
            + " in namespace "
            + NAMESPACE
            + ", pods under "
            + root);
    out.println(stamp() + " Ctrl-C stops everything");
    Sandbox sandbox = start(manifest, root, out);
    CountDownLatch stoppedLatch = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println(
                      stamp() + " stopping: the operator, every pod's processes, the API server");
                  sandbox.close();
                  Directories.delete(root);
                  out.println(stamp() + " stopped; " + root + " removed");
                  stoppedLatch.countDown();
                }));
    sandbox.watch();
    stoppedLatch.await();
  }
}
