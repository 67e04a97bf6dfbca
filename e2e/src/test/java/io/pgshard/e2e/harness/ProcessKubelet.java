package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.Pause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The harness's kubelet: every Pod in the API runs as local processes ({@link PodRunner}), each pod
 * at a loopback address of its own, as unprivileged processes. A pod whose object is gone is
 * stopped; a claim directory whose PersistentVolumeClaim is gone and that no pod uses is deleted,
 * as a dynamically provisioned volume's Delete reclaim policy does.
 *
 * <p>With a node name (against a real control plane) it runs only the pods the scheduler bound to
 * that node, and finishes a Terminating pod as a kubelet does: its containers are stopped (preStop,
 * SIGTERM, SIGKILL after the grace period), then the pod object is removed.
 */
public final class ProcessKubelet implements AutoCloseable {

  private static final long TICK_MILLIS = 200;
  private static final long RECLAIM_MILLIS = 2000;

  private final KubernetesClient client;
  private final Path podsDir;
  private final Path claimsDir;
  private final Loopback loopback;
  private final ServiceDns dns;
  private final Consumer<String> log;
  private final ClaimLocks claims = new ClaimLocks();
  private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();
  private final Map<String, PodRunner> lastByName = new ConcurrentHashMap<>();
  private final Map<String, Integer> dirIndex = new ConcurrentHashMap<>();
  private final String nodeName;
  private final Thread loop;
  private volatile boolean stopped;
  private long lastReclaim;

  ProcessKubelet(
      KubernetesClient client, Path root, Loopback loopback, ServiceDns dns, Consumer<String> log) {
    this(client, root, loopback, dns, log, null);
  }

  /** {@code nodeName}: run only the pods bound to it; null runs every pod (the mock's way). */
  ProcessKubelet(
      KubernetesClient client,
      Path root,
      Loopback loopback,
      ServiceDns dns,
      Consumer<String> log,
      String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
    this.podsDir = root.resolve("p");
    this.claimsDir = root.resolve("claims");
    this.loopback = loopback;
    this.dns = dns;
    this.log = log;
    this.loop = new Thread(this::loop, "harness-kubelet");
    loop.setDaemon(true);
    loop.start();
  }

  KubernetesClient client() {
    return client;
  }

  ServiceDns dns() {
    return dns;
  }

  ClaimLocks claims() {
    return claims;
  }

  Path claimsDir() {
    return claimsDir;
  }

  void log(String line) {
    log.accept(line);
  }

  private void loop() {
    while (!stopped) {
      try {
        tick();
      } catch (KubernetesClientException e) {
        // the API is between states: look again
      } catch (IllegalStateException e) {
        // the client was closed under a pass that had begun: the harness is stopping
        if (stopped) {
          return;
        }
        throw e;
      }
      Pause.millis(TICK_MILLIS);
    }
  }

  private synchronized void tick() {
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    Set<String> live = new HashSet<>();
    List<Pod> terminating = new java.util.ArrayList<>();
    for (Pod pod : pods) {
      String uid = pod.getMetadata().getUid();
      if (nodeName != null && !nodeName.equals(pod.getSpec().getNodeName())) {
        continue;
      }
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        terminating.add(pod);
        continue;
      }
      live.add(uid);
      if (!runners.containsKey(uid) && !stopped) {
        PodRunner runner = new PodRunner(this, pod, loopback.nextPod(), podDir(pod));
        runners.put(uid, runner);
        lastByName.put(key(pod), runner);
        runner.start();
      }
    }
    Map<String, Long> graces = new HashMap<>();
    for (Pod pod : terminating) {
      if (pod.getMetadata().getDeletionGracePeriodSeconds() != null) {
        graces.put(pod.getMetadata().getUid(), pod.getMetadata().getDeletionGracePeriodSeconds());
      }
    }
    for (var entry : Map.copyOf(runners).entrySet()) {
      if (!live.contains(entry.getKey())) {
        entry.getValue().stop(graces.get(entry.getKey()));
      }
      if (entry.getValue().done()) {
        runners.remove(entry.getKey());
      }
    }
    if (nodeName != null) {
      for (Pod pod : terminating) {
        PodRunner runner = runners.get(pod.getMetadata().getUid());
        if (runner == null || runner.done()) {
          // every container has stopped: the kubelet's last word on a Terminating pod
          client
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .withGracePeriod(0)
              .delete();
        }
      }
    }
    if (System.currentTimeMillis() - lastReclaim >= RECLAIM_MILLIS) {
      reclaim();
      lastReclaim = System.currentTimeMillis();
    }
  }

  private void reclaim() {
    if (!Files.isDirectory(claimsDir)) {
      return;
    }
    Set<String> existing = new HashSet<>();
    client
        .persistentVolumeClaims()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(c -> existing.add(key(c)));
    try (var namespaces = Files.list(claimsDir)) {
      for (Path ns : namespaces.toList()) {
        try (var claimDirs = Files.list(ns)) {
          for (Path dir : claimDirs.toList()) {
            String claim = ns.getFileName() + "/" + dir.getFileName();
            if (!existing.contains(claim) && !claims.held(claim)) {
              log("claim " + claim + " deleted: removing its volume " + dir);
              Directories.delete(dir);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path podDir(Pod pod) {
    // the same directory for a pod created again under its name, as a container sees the same
    // mount paths in every incarnation (a data directory may name them); short, as a Unix
    // socket's whole path must fit in 107 bytes
    int index = dirIndex.computeIfAbsent(key(pod), k -> dirIndex.size());
    return podsDir.resolve(Integer.toString(index));
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** The running process of a pod's container (its first when {@code container} is null). */
  public LocalPod process(String namespace, String pod, String container) {
    PodRunner runner = current(namespace, pod);
    return runner == null ? null : runner.process(container);
  }

  /**
   * Sends {@code signal} to every process of every container of the pod: SIGSTOP freezes it as a
   * hung node would (its kernel still accepts connections, nothing answers), SIGCONT thaws it.
   * Returns whether the pod runs here.
   */
  public boolean signal(String namespace, String pod, String signal) {
    PodRunner runner = current(namespace, pod);
    if (runner == null) {
      return false;
    }
    for (String container : runner.containerNames()) {
      LocalPod process = runner.process(container);
      if (process != null && process.isAlive()) {
        process.signalTree(signal);
      }
    }
    return true;
  }

  /** The address the pod got, or null when it does not run here. */
  public String podIp(String namespace, String pod) {
    PodRunner runner = current(namespace, pod);
    return runner == null ? null : runner.ip();
  }

  /** kill -9 of the pod's first container, all its processes, as the OOM killer would. */
  public void kill(String namespace, String pod) {
    LocalPod process = process(namespace, pod, null);
    if (process == null) {
      throw new IllegalStateException("no running container in " + namespace + "/" + pod);
    }
    process.kill();
  }

  /** Where a claim's data lives. */
  public Path claimDir(String namespace, String claim) {
    return PodVolumes.claimPath(claimsDir, namespace, claim);
  }

  /** The logs of a pod's containers, all restarts (the last pod of that name). */
  public String logs(String namespace, String pod) {
    PodRunner runner = lastByName.get(namespace + "/" + pod);
    if (runner == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String container : runner.containerNames()) {
      Path file = runner.dir().resolve(container + ".log");
      out.append("--- ").append(pod).append('/').append(container).append('\n');
      try {
        if (Files.exists(file)) {
          out.append(Files.readString(file));
        }
      } catch (IOException e) {
        out.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  /** Names ({@code namespace/pod}) of every pod that ran here. */
  public Set<String> podsSeen() {
    return Set.copyOf(lastByName.keySet());
  }

  private PodRunner current(String namespace, String pod) {
    PodRunner runner = lastByName.get(namespace + "/" + pod);
    return runner == null || runner.done() ? null : runner;
  }

  /** Stops every pod (SIGTERM, SIGKILL after the grace period; no preStop hooks), in parallel. */
  @Override
  public void close() {
    stopped = true;
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runners.values().forEach(PodRunner::stopForTeardown);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (PodRunner runner : runners.values()) {
      try {
        runner.awaitDone(
            Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log("kubelet stopped at " + Instant.now());
  }
}
