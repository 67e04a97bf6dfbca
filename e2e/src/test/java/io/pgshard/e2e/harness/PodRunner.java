package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.Pause;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One pod on the process kubelet, on a thread of its own: waits for its claims to be free (a
 * StatefulSet pod created again waits for its predecessor to stop), projects its volumes, runs init
 * containers in order, then its containers with restarts and probes, writing the pod's status back
 * as it goes. Stopping runs each container's preStop hook, then SIGTERM, then SIGKILL after the
 * grace period.
 */
final class PodRunner {

  /** Enough for PostgreSQL's shutdown on SIGTERM; a base backup in flight would hold it longer. */
  private static final long TEARDOWN_GRACE_SECONDS = 10;

  private static final long TICK_MILLIS = 100;
  private static final long VOLUME_SYNC_MILLIS = 1000;

  private final ProcessKubelet kubelet;
  private final Pod pod;
  private final String ip;
  private final Path dir;
  private final List<ContainerRun> containers = new ArrayList<>();
  private final Thread thread;
  private final String startTime = Instant.now().toString();
  private volatile boolean stopping;
  private volatile Long graceOverride;
  private volatile boolean teardown;
  private volatile boolean done;
  private PodVolumes volumes;
  private boolean initialized;
  private PodStatus written;
  private String message;

  PodRunner(ProcessKubelet kubelet, Pod pod, String ip, Path dir) {
    this.kubelet = kubelet;
    this.pod = pod;
    this.ip = ip;
    this.dir = dir;
    pod.getSpec().getContainers().forEach(c -> containers.add(new ContainerRun(c, dir)));
    this.thread = new Thread(this::run, "kubelet-" + pod.getMetadata().getName());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  String ip() {
    return ip;
  }

  Path dir() {
    return dir;
  }

  /** Asks the pod to stop (its object is gone); the claims are released once it has. */
  void stop() {
    stopping = true;
  }

  /**
   * Stops the pod as the harness goes away: SIGTERM without the preStop hooks, which would only
   * wait (a primary's waits up to 20 s for a handover that no operator makes any more), and SIGKILL
   * after a short grace period.
   */
  void stopForTeardown() {
    teardown = true;
    graceOverride = TEARDOWN_GRACE_SECONDS;
    stopping = true;
  }

  /**
   * Asks the pod to stop within the grace period its deletion gave (a kubelet uses {@code
   * metadata.deletionGracePeriodSeconds}, not the spec's, when they differ).
   */
  void stop(Long deletionGraceSeconds) {
    if (deletionGraceSeconds != null) {
      graceOverride = deletionGraceSeconds;
    }
    stopping = true;
  }

  boolean done() {
    return done;
  }

  void awaitDone(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
  }

  /** The running process of {@code container} (the first when null), or null. */
  LocalPod process(String container) {
    for (ContainerRun c : containers) {
      if ((container == null || c.spec.getName().equals(container)) && c.running()) {
        return c.process();
      }
    }
    return null;
  }

  List<String> containerNames() {
    return containers.stream().map(c -> c.spec.getName()).toList();
  }

  private void run() {
    try {
      writeStatus();
      // its claims, and its directory, which a predecessor of the same name may still use
      List<String> claims = new ArrayList<>(claims());
      claims.add("pod:" + pod.getMetadata().getNamespace() + "/" + name());
      while (!stopping && !kubelet.claims().acquire(claims, pod.getMetadata().getUid())) {
        message = "waiting for its predecessor to stop and release " + claims;
        Pause.millis(200);
      }
      if (!stopping) {
        volumes = new PodVolumes(kubelet.client(), pod, dir, kubelet.claimsDir());
        runPod();
      }
    } catch (RuntimeException e) {
      message = e.getMessage();
      kubelet.log("pod " + name() + " failed: " + e);
      writeStatusQuietly();
    } finally {
      terminate();
      if (volumes != null) {
        volumes.deletePodFiles();
      }
      kubelet.claims().release(pod.getMetadata().getUid());
      done = true;
    }
  }

  private void runPod() {
    while (!stopping && !volumes.refresh(fileTranslation())) {
      message = "waiting for ConfigMaps and Secrets of its volumes";
      writeStatusQuietly();
      Pause.millis(500);
    }
    runInitContainers();
    if (stopping) {
      return;
    }
    initialized = true;
    message = null;
    long lastVolumeSync = now();
    while (!stopping) {
      long now = now();
      boolean changed = false;
      for (ContainerRun c : containers) {
        if (c.startDue(now)) {
          changed |= startContainer(c, now);
        }
        changed |= c.probe(now, ip);
      }
      if (now - lastVolumeSync >= VOLUME_SYNC_MILLIS) {
        volumes.refresh(fileTranslation());
        lastVolumeSync = now;
        changed = true;
      }
      if (changed) {
        writeStatusQuietly();
      }
      Pause.millis(TICK_MILLIS);
    }
  }

  private void runInitContainers() {
    for (Container init : pod.getSpec().getInitContainers()) {
      Duration backoff = Duration.ZERO;
      while (!stopping) {
        Pause.millis(backoff.toMillis());
        LocalPod process = launch(init);
        if (process == null) {
          backoff = Duration.ofSeconds(1);
          continue;
        }
        while (!stopping && !process.awaitExit(Duration.ofMillis(200))) {
          // waiting for it to finish
        }
        if (stopping) {
          process.kill();
          return;
        }
        if (process.exitCode() == 0) {
          break;
        }
        message = "init container " + init.getName() + " exited " + process.exitCode();
        writeStatusQuietly();
        backoff = backoff.isZero() ? ContainerRun.FIRST_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private boolean startContainer(ContainerRun c, long now) {
    c.prepareStart();
    LocalPod process = launch(c.spec);
    if (process == null) {
      c.waiting("CreateContainerConfigError");
      return true;
    }
    c.started(process, now);
    return true;
  }

  /** Starts a container's process; null when its env or image cannot be resolved yet. */
  private LocalPod launch(Container container) {
    String path = Images.path(container.getImage()).orElse(null);
    if (path == null) {
      message = "no local binaries stand in for image " + container.getImage();
      return null;
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", path);
    env.put("HOSTNAME", name());
    env.put("LANG", "C.UTF-8");
    try {
      env.putAll(PodEnv.resolve(kubelet.client(), pod, ip, container));
    } catch (PodEnv.Unresolved e) {
      message = container.getName() + ": " + e.getMessage();
      return null;
    }
    Map<String, Path> mounts = volumes.mounts(container);
    UnaryOperator<String> translate = translation(mounts);
    env.putIfAbsent("HOME", mounts.containsKey("/tmp") ? "/tmp" : dir.toString());
    return LocalPod.run(
        name() + "/" + container.getName(),
        PodEnv.command(container, env),
        env,
        translate,
        dir.resolve(container.getName() + ".log"));
  }

  /** Mount paths to this pod's directories, then Service names to their addresses. */
  private UnaryOperator<String> translation(Map<String, Path> mounts) {
    LocalPod.Translator paths = new LocalPod.Translator(mounts, Map.of());
    return value -> kubelet.dns().apply(paths.apply(value));
  }

  /** For file contents: the mounts of every container of the pod. */
  private UnaryOperator<String> fileTranslation() {
    Map<String, Path> all = new HashMap<>();
    for (Container c : pod.getSpec().getContainers()) {
      volumes.mounts(c).forEach(all::putIfAbsent);
    }
    return translation(all);
  }

  private List<String> claims() {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .map(
            v ->
                pod.getMetadata().getNamespace()
                    + "/"
                    + v.getPersistentVolumeClaim().getClaimName())
        .toList();
  }

  private void terminate() {
    long grace =
        graceOverride != null
            ? graceOverride
            : pod.getSpec().getTerminationGracePeriodSeconds() == null
                ? 30
                : pod.getSpec().getTerminationGracePeriodSeconds();
    // as a kubelet does, the grace period covers the preStop hooks and the wait after SIGTERM
    long deadline = now() + grace * 1000;
    for (ContainerRun c : containers) {
      var lifecycle = c.spec.getLifecycle();
      if (!teardown && c.running() && lifecycle != null && lifecycle.getPreStop() != null) {
        var exec = lifecycle.getPreStop().getExec();
        if (exec != null) {
          c.process().exec(exec.getCommand(), Duration.ofMillis(Math.max(1, deadline - now())));
        }
      }
    }
    for (ContainerRun c : containers) {
      if (c.running()) {
        c.process().signalGroup("TERM");
      }
    }
    for (ContainerRun c : containers) {
      if (c.process() != null) {
        c.process().awaitExit(Duration.ofMillis(Math.max(0, deadline - now())));
        c.process().kill();
      }
    }
  }

  private void writeStatusQuietly() {
    try {
      writeStatus();
    } catch (KubernetesClientException e) {
      // the pod is gone or changed: the next pass writes again
    }
  }

  private void writeStatus() {
    PodStatus status = status();
    if (Objects.equals(status, written)) {
      return;
    }
    for (int attempt = 0; attempt < 5 && !stopping; attempt++) {
      Pod current =
          kubelet
              .client()
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(name())
              .get();
      if (current == null || !current.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
        stopping = true;
        return;
      }
      current.setStatus(status);
      try {
        kubelet
            .client()
            .pods()
            .inNamespace(current.getMetadata().getNamespace())
            .resource(current)
            .updateStatus();
        written = status;
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  private PodStatus status() {
    boolean ready = initialized && containers.stream().allMatch(ContainerRun::ready);
    String phase = initialized ? "Running" : "Pending";
    return new PodStatusBuilder()
        .withPhase(phase)
        .withPodIP(ip)
        .addNewPodIP(ip)
        .withHostIP("127.0.0.1")
        .withStartTime(startTime)
        .withMessage(message)
        .withConditions(
            condition("PodScheduled", true),
            condition("Initialized", initialized),
            condition("ContainersReady", ready),
            condition("Ready", ready))
        .withContainerStatuses(containers.stream().map(c -> c.status(c.spec.getImage())).toList())
        .build();
  }

  private static PodCondition condition(String type, boolean status) {
    return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").build();
  }

  String name() {
    return pod.getMetadata().getName();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
