package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.Probe;
import io.pgshard.operator.testing.LocalPod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One probe of one container, run on the schedule its spec gives (initial delay, period, timeout,
 * success and failure thresholds, Kubernetes' defaults where unset): exec runs the command in the
 * container's environment, tcpSocket connects to the pod's address. Its result flips only after the
 * threshold of consecutive outcomes, as the kubelet's prober does. Like the kubelet's probe
 * workers, a run goes on a thread of its own: a probe that hangs (a frozen container) until its
 * timeout holds back nothing else the kubelet does for the pod, such as stopping it.
 */
final class ProbeState {

  private static final ExecutorService WORKERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "probe-worker");
            t.setDaemon(true);
            return t;
          });

  private final Probe probe;
  private Future<Boolean> inFlight;
  private long nextAt;
  private int successes;
  private int failures;
  private boolean result;

  /** {@code initial}: the result before any run (false for readiness and startup). */
  ProbeState(Probe probe, long nowMillis, boolean initial) {
    this.probe = probe;
    this.result = initial;
    this.nextAt = nowMillis + seconds(probe.getInitialDelaySeconds(), 0) * 1000L;
  }

  boolean result() {
    return result;
  }

  /**
   * Takes the outcome of the run in flight once it has ended, or starts a run when one is due;
   * returns true when the result changed.
   */
  boolean maybeRun(long nowMillis, LocalPod process, String ip) {
    if (inFlight != null) {
      if (!inFlight.isDone()) {
        return false;
      }
      boolean ok = outcome(inFlight);
      inFlight = null;
      return record(ok);
    }
    if (nowMillis < nextAt) {
      return false;
    }
    nextAt = nowMillis + seconds(probe.getPeriodSeconds(), 10) * 1000L;
    inFlight = WORKERS.submit(() -> runOnce(process, ip));
    return false;
  }

  private static boolean outcome(Future<Boolean> run) {
    try {
      return run.get();
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean record(boolean ok) {
    boolean before = result;
    if (ok) {
      failures = 0;
      if (++successes >= seconds(probe.getSuccessThreshold(), 1)) {
        result = true;
      }
    } else {
      successes = 0;
      if (++failures >= seconds(probe.getFailureThreshold(), 3)) {
        result = false;
      }
    }
    return before != result;
  }

  private boolean runOnce(LocalPod process, String ip) {
    Duration timeout = Duration.ofSeconds(seconds(probe.getTimeoutSeconds(), 1));
    if (probe.getExec() != null) {
      return process.exec(probe.getExec().getCommand(), timeout) == 0;
    }
    if (probe.getTcpSocket() != null) {
      int port = probe.getTcpSocket().getPort().getIntVal();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    throw new IllegalArgumentException("only exec and tcpSocket probes run here");
  }

  private static int seconds(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
