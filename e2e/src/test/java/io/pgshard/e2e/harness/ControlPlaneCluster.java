package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.pgshard.e2e.controlplane.ControlPlane;
import io.pgshard.e2e.deploy.OperatorChart;
import io.pgshard.e2e.deploy.RenderedChart;
import io.pgshard.e2e.process.OperatorProcess;
import io.pgshard.operator.testing.Pause;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster level: a real control plane ({@link ControlPlane}), the process kubelet registered as
 * a Node with a volume provisioner, Service proxies fed from the real EndpointSlices, the chart
 * installed as Helm would (its CRDs, then everything it renders but the Deployment), and the
 * operator jar started once per Deployment replica with the environment the Deployment sets,
 * authenticated as the chart's ServiceAccount, so that only the chart's RBAC authorizes it.
 *
 * <p>What differs from a cluster, by necessity: the operator runs as a process, not in a pod (its
 * token is a static one with the ServiceAccount's name and groups, which RBAC treats the same);
 * each replica gets its own HTTP port, as pods would have their own network; pods are local
 * processes at loopback addresses (see {@link ProcessKubelet}).
 */
public final class ControlPlaneCluster implements Harness, AutoCloseable {

  private static final long PROXY_SYNC_MILLIS = 150;

  /**
   * How to run: the operator's JVM options (the image's by default) and whether the process kubelet
   * joins as a Node (without one, pods stay Pending: nothing runs, as for the memory benchmark).
   */
  public record Options(List<String> jvmOptions, boolean node) {
    public static final Options DEFAULT =
        new Options(List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError"), true);
  }

  private final Path root;
  private final RenderedChart chart;
  private final ControlPlane.User operatorUser;
  private final ControlPlane plane;
  private final KubernetesClient admin;
  private final Loopback loopback = new Loopback();
  private final ServiceDns dns = new ServiceDns(loopback);
  private final ServiceProxies proxies = new ServiceProxies(dns);
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final Map<String, OperatorProcess> operators = new LinkedHashMap<>();
  private final Options options;
  private ProcessKubelet kubelet;
  private volatile boolean stopped;

  private ControlPlaneCluster(Path root, Map<String, Object> chartValues, Options options)
      throws IOException {
    this.root = root;
    this.options = options;
    Files.createDirectories(root);
    this.chart =
        OperatorChart.renderInChildProcess(
            chartValues, Files.createDirectories(root.resolve("chart")));
    this.operatorUser =
        ControlPlane.User.serviceAccount(
            OperatorChart.NAMESPACE, chart.one(ServiceAccount.class).getMetadata().getName());
    this.plane = ControlPlane.start(root.resolve("control-plane"), List.of(operatorUser));
    this.admin = plane.adminClient();
  }

  /**
   * Starts the control plane, the node and the chart's objects, then the operator replicas. {@code
   * chartValues} go over the chart's defaults, as {@code helm install --values}.
   */
  public static ControlPlaneCluster start(
      Path root, Map<String, Object> chartValues, Consumer<String> log) {
    return start(root, chartValues, log, Options.DEFAULT);
  }

  public static ControlPlaneCluster start(
      Path root, Map<String, Object> chartValues, Consumer<String> log, Options options) {
    ControlPlaneCluster cluster = null;
    try {
      cluster = new ControlPlaneCluster(root, chartValues, options);
      cluster.installChart();
      if (options.node()) {
        cluster.startNode(log);
      }
      for (int i = 0; i < cluster.deployment().getSpec().getReplicas(); i++) {
        cluster.startOperator(i);
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      }
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /** {@code helm install}: the chart's crds/ first (and established), then the templates. */
  private void installChart() throws IOException {
    try (var files = Files.list(OperatorChart.dir().resolve("crds"))) {
      for (Path file : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
          admin.resource(crd).create();
          admin
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .waitUntilCondition(
                  c ->
                      c != null
                          && c.getStatus() != null
                          && c.getStatus().getConditions() != null
                          && c.getStatus().getConditions().stream()
                              .anyMatch(
                                  x ->
                                      "Established".equals(x.getType())
                                          && "True".equals(x.getStatus())),
                  30,
                  TimeUnit.SECONDS);
        }
      }
    }
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OperatorChart.NAMESPACE)
                .endMetadata()
                .build())
        .create();
    for (HasMetadata object : chart.objects()) {
      if (object instanceof Deployment) {
        continue; // its pod is the operator process started below
      }
      admin
          .resource(object)
          .inNamespace(OperatorChart.NAMESPACE)
          .createOr(NonDeletingOperation::update);
    }
  }

  private void startNode(Consumer<String> log) {
    parts.add(new NodeAgent(admin));
    kubelet = new ProcessKubelet(admin, root, loopback, dns, log, NodeAgent.NODE);
    parts.add(kubelet);
    parts.add(new VolumeProvisioner(admin, kubelet.claimsDir()));
    VolumeProvisioner.createExpandableClass(admin);
    Thread proxyLoop = new Thread(this::syncProxies, "harness-service-proxies");
    proxyLoop.setDaemon(true);
    proxyLoop.start();
  }

  private void syncProxies() {
    while (!stopped) {
      try {
        proxies.syncFromSlices(
            admin.services().inAnyNamespace().list().getItems(),
            admin.discovery().v1beta1().endpointSlices().inAnyNamespace().list().getItems());
      } catch (RuntimeException e) {
        // the API is between states: look again on the next pass
      }
      Pause.millis(PROXY_SYNC_MILLIS);
    }
  }

  private Deployment deployment() {
    return chart.one(Deployment.class);
  }

  /** The name a replica has in the Lease: its pod's name. */
  public String operatorName(int replica) {
    return deployment().getMetadata().getName() + "-" + replica;
  }

  /** Starts (or starts again) operator replica {@code replica} as the chart's Deployment would. */
  public OperatorProcess startOperator(int replica) {
    String name = operatorName(replica);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var :
        deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      env.put(var.getName(), envValue(var, name));
    }
    // what a pod's client finds in its ServiceAccount mount, given here as a token of that account
    env.put("KUBERNETES_MASTER", plane.url());
    env.put("KUBERNETES_AUTH_TOKEN", operatorUser.token());
    env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", OperatorChart.NAMESPACE);
    // one difference from the Deployment: a User-Agent per replica, so that the audit log tells
    // which replica sent what (both authenticate as the same ServiceAccount)
    env.put("KUBERNETES_USER_AGENT", userAgent(replica));
    try {
      Path logs = Files.createDirectories(root.resolve("operators"));
      OperatorProcess process =
          OperatorProcess.start(options.jvmOptions(), env, logs.resolve(name + ".log"));
      synchronized (operators) {
        OperatorProcess before = operators.put(name, process);
        if (before != null) {
          before.close();
        }
      }
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String envValue(EnvVar var, String podName) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    String field =
        var.getValueFrom().getFieldRef() == null
            ? null
            : var.getValueFrom().getFieldRef().getFieldPath();
    if ("metadata.namespace".equals(field)) {
      return OperatorChart.NAMESPACE;
    }
    if ("metadata.name".equals(field)) {
      return podName;
    }
    throw new IllegalStateException(
        "the chart's Deployment sets "
            + var.getName()
            + " from "
            + var.getValueFrom()
            + ": not supported here");
  }

  /** The User-Agent replica {@code replica} sends. */
  public String userAgent(int replica) {
    return "pgshard-operator/" + operatorName(replica);
  }

  /**
   * Whether every replica of the Deployment runs, has run for {@code settled} at least, and answers
   * /readyz (started, informers healthy): what a Deployment would show as all replicas Ready, so
   * the follower can take the Lease over.
   */
  public boolean operatorsReady(Duration settled) {
    for (int i = 0; i < deployment().getSpec().getReplicas(); i++) {
      OperatorProcess process = operator(i);
      try {
        if (process == null
            || !process.isAlive()
            || process.uptime().compareTo(settled) < 0
            || process.get("/readyz").statusCode() != 200) {
          return false;
        }
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  public OperatorProcess operator(int replica) {
    synchronized (operators) {
      return operators.get(operatorName(replica));
    }
  }

  /** SIGTERM to every replica; waits until each has exited. */
  public void stopOperators() {
    synchronized (operators) {
      operators.values().forEach(OperatorProcess::close);
    }
  }

  /** The chart's leader Lease as the API server has it now, or null. */
  public Lease lease() {
    return admin.leases().inNamespace(OperatorChart.NAMESPACE).withName(leaseName()).get();
  }

  /** The index of the replica holding the Lease; fails when none does. */
  public int leaderReplica() {
    String leader = leader();
    for (int i = 0; i < deployment().getSpec().getReplicas(); i++) {
      if (operatorName(i).equals(leader)) {
        return i;
      }
    }
    throw new IllegalStateException("no replica holds the Lease (holder: " + leader + ")");
  }

  /** The replica holding the Lease, or null. */
  public String leader() {
    Lease lease = lease();
    return lease == null || lease.getSpec() == null
        ? null
        : emptyToNull(lease.getSpec().getHolderIdentity());
  }

  public String leaseName() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> "PGSHARD_LEASE_NAME".equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  public RenderedChart chart() {
    return chart;
  }

  public ControlPlane controlPlane() {
    return plane;
  }

  @Override
  public KubernetesClient client() {
    return admin;
  }

  @Override
  public ProcessKubelet kubelet() {
    return kubelet;
  }

  public ControlPlane.User operatorUser() {
    return operatorUser;
  }

  @Override
  public String serviceAddress(String namespace, String service) {
    return dns.address(namespace, service);
  }

  /** {@code kubectl apply -n namespace -f manifest} as the admin; fails when kubectl refuses. */
  @Override
  public List<HasMetadata> apply(Path manifest, String namespace) {
    if (admin.namespaces().withName(namespace).get() == null) {
      kubectl("create", "namespace", namespace);
    }
    Kubectl.Result result = kubectl("apply", "-n", namespace, "-f", manifest.toString());
    if (!result.ok()) {
      throw new IllegalStateException("kubectl apply -f " + manifest + ": " + result.output());
    }
    try (InputStream in = Files.newInputStream(manifest)) {
      return admin.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin's kubeconfig, for kubectl. */
  public Path kubeconfig() {
    return plane.writeKubeconfig(root.resolve("admin.kubeconfig"), plane.admin().token());
  }

  /** Runs kubectl (from PATH) as the admin; returns exit code and combined output. */
  public Kubectl.Result kubectl(String... args) {
    return Kubectl.run(kubeconfig(), args);
  }

  /** Where each operator replica writes its log ({@code <replica>.log}). */
  public Path operatorLogDir() {
    return root.resolve("operators");
  }

  /** The operators' log lines, all replicas, for a failing test's report. */
  public String operatorLogs() {
    StringBuilder out = new StringBuilder();
    synchronized (operators) {
      operators.forEach(
          (name, process) -> {
            out.append("=== operator ").append(name).append('\n');
            try {
              List<String> lines = Files.readAllLines(process.log(), StandardCharsets.UTF_8);
              lines
                  .subList(Math.max(0, lines.size() - 300), lines.size())
                  .forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
              out.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
          });
    }
    return out.toString();
  }

  /** Operators first (SIGTERM), then the node's pods, then the control plane. */
  @Override
  public void close() {
    synchronized (operators) {
      operators.values().forEach(OperatorProcess::close);
    }
    stopped = true;
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        // keep stopping the rest
      }
    }
    proxies.close();
    if (admin != null) {
      admin.close();
    }
    if (plane != null) {
      plane.close();
    }
  }
}
