package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.OsUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One container of a running pod: its process, restarts with the kubelet's back-off (the first at
 * once, then 10 s doubling to 5 min, forgotten after 10 min of running), and its startup, readiness
 * and liveness probes. A liveness failure kills the container, which then restarts. What the
 * container wrote to its termination message file ({@code terminationMessagePath}, {@code
 * /dev/termination-log} by default; here a file in the pod's directory) becomes its last state's
 * message, as the kubelet keeps it (at most 4096 bytes).
 */
final class ContainerRun {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  static final Duration BACKOFF_RESET = Duration.ofMinutes(10);
  static final String DEFAULT_TERMINATION_PATH = "/dev/termination-log";
  static final int MAX_TERMINATION_MESSAGE = 4096;

  final Container spec;
  private final Path terminationFile;
  private LocalPod process;
  private int restarts;
  private long startedAt;
  private long restartAt = -1;
  private Duration backoff = Duration.ZERO;
  private Integer lastExit;
  private String lastMessage;
  private String waiting = "ContainerCreating";
  private ProbeState startup;
  private ProbeState readiness;
  private ProbeState liveness;

  ContainerRun(Container spec, Path podDir) {
    this.spec = spec;
    this.terminationFile = terminationFile(podDir, spec);
  }

  /** The container's termination message path in the pod's spec. */
  static String terminationPath(Container spec) {
    String path = spec.getTerminationMessagePath();
    return path == null || path.isEmpty() ? DEFAULT_TERMINATION_PATH : path;
  }

  /** The file that stands in for it on this machine. */
  static Path terminationFile(Path podDir, Container spec) {
    return podDir.resolve("termination-log." + spec.getName());
  }

  /** An empty termination message file, writable by the container, before each start. */
  void prepareStart() {
    try {
      Files.createDirectories(terminationFile.getParent());
      Files.write(terminationFile, new byte[0]);
      OsUser.own(terminationFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readTerminationMessage() {
    try (InputStream in = Files.newInputStream(terminationFile)) {
      String message =
          new String(in.readNBytes(MAX_TERMINATION_MESSAGE), StandardCharsets.UTF_8).strip();
      return message.isEmpty() ? null : message;
    } catch (IOException e) {
      return null;
    }
  }

  LocalPod process() {
    return process;
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  void started(LocalPod process, long now) {
    this.process = process;
    this.startedAt = now;
    this.restartAt = -1;
    this.waiting = null;
    startup =
        spec.getStartupProbe() == null ? null : new ProbeState(spec.getStartupProbe(), now, false);
    readiness =
        spec.getReadinessProbe() == null
            ? null
            : new ProbeState(spec.getReadinessProbe(), now, false);
    liveness =
        spec.getLivenessProbe() == null ? null : new ProbeState(spec.getLivenessProbe(), now, true);
  }

  void waiting(String reason) {
    this.waiting = reason;
  }

  /** Whether a (re)start is due now; notes an exit and schedules the restart after back-off. */
  boolean startDue(long now) {
    if (process == null) {
      return true;
    }
    if (process.isAlive()) {
      return false;
    }
    if (restartAt < 0) {
      lastExit = process.exitCode();
      lastMessage = readTerminationMessage();
      // what else the container forked goes with it, as when its PID namespace ends
      process.signalGroup("KILL");
      if (now - startedAt >= BACKOFF_RESET.toMillis()) {
        backoff = Duration.ZERO;
      }
      restartAt = now + backoff.toMillis();
      backoff =
          backoff.isZero()
              ? FIRST_BACKOFF
              : (backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                  ? MAX_BACKOFF
                  : backoff.multipliedBy(2));
      waiting = restartAt > now ? "CrashLoopBackOff" : null;
    }
    if (now >= restartAt) {
      restarts++;
      return true;
    }
    return false;
  }

  /** Runs the probes that are due; true when the container's readiness changed. */
  boolean probe(long now, String ip) {
    if (!running()) {
      return false;
    }
    if (startup != null && !startup.result()) {
      return startup.maybeRun(now, process, ip) && readiness == null;
    }
    boolean changed = false;
    if (readiness != null) {
      changed = readiness.maybeRun(now, process, ip);
    }
    if (liveness != null && liveness.maybeRun(now, process, ip) && !liveness.result()) {
      process.kill();
      changed = true;
    }
    return changed;
  }

  boolean started() {
    return running() && (startup == null || startup.result());
  }

  boolean ready() {
    return started() && (readiness == null || readiness.result());
  }

  ContainerStatus status(String image) {
    ContainerStatusBuilder status =
        new ContainerStatusBuilder()
            .withName(spec.getName())
            .withImage(image)
            .withImageID(image)
            .withRestartCount(restarts)
            .withReady(ready())
            .withStarted(started());
    if (running()) {
      status
          .withNewState()
          .withNewRunning()
          .withStartedAt(Instant.ofEpochMilli(startedAt).toString())
          .endRunning()
          .endState();
    } else {
      status
          .withNewState()
          .withNewWaiting()
          .withReason(waiting == null ? "ContainerCreating" : waiting)
          .endWaiting()
          .endState();
    }
    if (lastExit != null) {
      status
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(lastExit)
          .withReason(lastExit == 0 ? "Completed" : "Error")
          .withMessage(lastMessage)
          .endTerminated()
          .endLastState();
    }
    return status.build();
  }
}
