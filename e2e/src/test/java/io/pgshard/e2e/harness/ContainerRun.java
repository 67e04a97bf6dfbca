package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.pgshard.operator.testing.LocalPod;
import java.time.Duration;
import java.time.Instant;

/**
 * One container of a running pod: its process, restarts with the kubelet's back-off (the first at
 * once, then 10 s doubling to 5 min, forgotten after 10 min of running), and its startup, readiness
 * and liveness probes. A liveness failure kills the container, which then restarts.
 */
final class ContainerRun {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  static final Duration BACKOFF_RESET = Duration.ofMinutes(10);

  final Container spec;
  private LocalPod process;
  private int restarts;
  private long startedAt;
  private long restartAt = -1;
  private Duration backoff = Duration.ZERO;
  private Integer lastExit;
  private String waiting = "ContainerCreating";
  private ProbeState startup;
  private ProbeState readiness;
  private ProbeState liveness;

  ContainerRun(Container spec) {
    this.spec = spec;
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
          .withReason(lastExit == 137 || lastExit == -1 ? "Error" : "Completed")
          .endTerminated()
          .endLastState();
    }
    return status.build();
  }
}
