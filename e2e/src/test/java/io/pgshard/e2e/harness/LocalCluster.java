package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.pgshard.operator.OperatorMain;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.MockKubernetes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole local end-to-end harness: the fabric8 mock API server with pgshard's CRDs, the workload
 * controller (StatefulSets and Deployments to Pods, garbage collection), the process kubelet, the
 * Service proxies, and the real operator started through {@link OperatorMain} as in production. The
 * one seam is the operator's clock, which a scenario may move ahead.
 */
public final class LocalCluster implements Harness, AutoCloseable {

  private static final long PROXY_SYNC_MILLIS = 100;
  private static final int OPERATOR_LOG_LINES = 400;

  private final Path root;
  private final MockKubernetes kube;
  private final KubernetesClient client;
  private final OffsetClock clock = new OffsetClock();
  private final Loopback loopback = new Loopback();
  private final ServiceDns dns = new ServiceDns(loopback);
  private final ServiceProxies proxies = new ServiceProxies(dns);
  private final WorkloadController workloads;
  private final ProcessKubelet kubelet;
  private final Thread proxyLoop;
  private volatile boolean stopped;
  private OperatorMain operator;

  private LocalCluster(Path root, Consumer<String> log) {
    this.root = root;
    this.kube = MockKubernetes.start();
    this.client = kube.client();
    this.workloads = WorkloadController.start(client, 200);
    this.kubelet = new ProcessKubelet(client, root, loopback, dns, log);
    this.proxyLoop = new Thread(this::syncProxies, "harness-service-proxies");
    proxyLoop.setDaemon(true);
    proxyLoop.start();
  }

  /**
   * Starts the control plane and the operator; pods and volumes live under {@code root}. The
   * operator's environment is its production defaults but for what the mock API server lacks
   * (server-side apply, Leases), plus {@code operatorEnv}.
   */
  public static LocalCluster start(
      Path root, Map<String, String> operatorEnv, Consumer<String> log) {
    LocalCluster cluster = new LocalCluster(root, log);
    try {
      Map<String, String> env = new java.util.HashMap<>(operatorEnv);
      env.put("PGSHARD_INSTANCE_MONITOR", "true");
      cluster.operator = cluster.kube.startOperator(cluster.clock, env);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void syncProxies() {
    while (!stopped) {
      try {
        proxies.sync(
            client.services().inAnyNamespace().list().getItems(),
            client.pods().inAnyNamespace().list().getItems());
      } catch (KubernetesClientException e) {
        // look again on the next pass
      } catch (IllegalStateException e) {
        // the client was closed under a pass that had begun: the harness is stopping
        if (stopped) {
          return;
        }
        throw e;
      }
      try {
        Thread.sleep(PROXY_SYNC_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Creates (or updates) every object of a manifest in {@code namespace}, as kubectl apply. */
  @Override
  public List<HasMetadata> apply(Path manifest, String namespace) {
    try (InputStream in = Files.newInputStream(manifest)) {
      List<HasMetadata> objects = client.load(in).items();
      for (HasMetadata object : objects) {
        object.getMetadata().setNamespace(namespace);
        client.resource(object).inNamespace(namespace).createOr(NonDeletingOperation::update);
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public ProcessKubelet kubelet() {
    return kubelet;
  }

  public OperatorMain operator() {
    return operator;
  }

  public OffsetClock clock() {
    return clock;
  }

  public Path root() {
    return root;
  }

  /** The address a Service's DNS name resolves to here. */
  @Override
  public String serviceAddress(String namespace, String service) {
    return dns.address(namespace, service);
  }

  /**
   * What a failing scenario needs to see: every CR's status, pods, events, every pod's logs and the
   * end of the operator's log (the file system property {@code pgshard.operator.log} names).
   */
  public void dump(PrintStream out) {
    try {
      out.println("=== ShardedClusters");
      for (ShardedCluster c :
          client.resources(ShardedCluster.class).inAnyNamespace().list().getItems()) {
        out.println(client.getKubernetesSerialization().asYaml(c));
      }
      out.println("=== PostgresShards");
      for (PostgresShard s :
          client.resources(PostgresShard.class).inAnyNamespace().list().getItems()) {
        out.println(client.getKubernetesSerialization().asYaml(s));
      }
      out.println("=== Pods");
      client
          .pods()
          .inAnyNamespace()
          .list()
          .getItems()
          .forEach(
              p ->
                  out.println(
                      p.getMetadata().getNamespace()
                          + "/"
                          + p.getMetadata().getName()
                          + " labels="
                          + p.getMetadata().getLabels()
                          + " status="
                          + p.getStatus()));
      out.println("=== Events");
      client
          .v1()
          .events()
          .inAnyNamespace()
          .list()
          .getItems()
          .forEach(
              e ->
                  out.println(
                      e.getType()
                          + " "
                          + e.getReason()
                          + " "
                          + e.getInvolvedObject().getName()
                          + ": "
                          + e.getMessage()));
    } catch (RuntimeException e) {
      out.println("(API unreadable: " + e + ")");
    }
    for (String pod : kubelet.podsSeen()) {
      String[] parts = pod.split("/", 2);
      out.println(kubelet.logs(parts[0], parts[1]));
    }
    String operatorLog = System.getProperty("pgshard.operator.log");
    if (operatorLog != null && Files.exists(Path.of(operatorLog))) {
      out.println(
          "=== operator log (last " + OPERATOR_LOG_LINES + " lines of " + operatorLog + ")");
      try (var lines = Files.lines(Path.of(operatorLog))) {
        List<String> all = lines.toList();
        all.subList(Math.max(0, all.size() - OPERATOR_LOG_LINES), all.size()).forEach(out::println);
      } catch (IOException | java.io.UncheckedIOException e) {
        out.println("(unreadable: " + e.getMessage() + ")");
      }
    }
  }

  /**
   * Stops the operator first (nothing fails over while the pods go), then the pods, then the API.
   */
  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    workloads.close();
    kubelet.close();
    stopped = true;
    try {
      proxyLoop.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxies.close();
    kube.close();
  }
}
