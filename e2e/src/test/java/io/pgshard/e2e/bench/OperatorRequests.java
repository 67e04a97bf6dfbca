package io.pgshard.e2e.bench;

import io.pgshard.operator.testing.MockKubernetes;

/**
 * Counts the operator's requests to the mock API server (told from the benchmark's own by their
 * User-Agent) since the last {@link #reset}, and remembers when it last wrote. Polled often, so the
 * time of a write is known to within a poll.
 */
final class OperatorRequests {

  record Counts(int requests, int writes) {}

  private final MockKubernetes kube;
  private int requests;
  private int writes;
  private long lastWriteNanos;

  OperatorRequests(MockKubernetes kube) {
    this.kube = kube;
  }

  /** Takes what the API server recorded since the last poll (recorded requests are not kept). */
  void poll() {
    for (MockKubernetes.Request r : kube.drainRequests()) {
      if (!r.fromOperator()) {
        continue;
      }
      requests++;
      if (r.isWrite()) {
        writes++;
        lastWriteNanos = System.nanoTime();
      }
    }
  }

  /** Polls, then counts from zero again, as if the last write had been at {@code nanos}. */
  void reset(long nanos) {
    poll();
    requests = 0;
    writes = 0;
    lastWriteNanos = nanos;
  }

  Counts counts() {
    return new Counts(requests, writes);
  }

  /** When the last write was polled, or the last reset if there was none since. */
  long lastWriteNanos() {
    return lastWriteNanos;
  }
}
