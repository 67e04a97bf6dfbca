package io.pgshard.e2e.bench;

import io.pgshard.operator.testing.MockKubernetes;

/**
 * Counts the operator's requests to the mock API server (told from the benchmark's own by their
 * User-Agent) since the last {@link #reset}, and remembers when it last wrote. Polled often, so the
 * time of a write is known to within a poll.
 */
final class OperatorRequests extends Traffic {

  private final MockKubernetes kube;

  OperatorRequests(MockKubernetes kube) {
    this.kube = kube;
  }

  /** Takes what the API server recorded since the last poll (recorded requests are not kept). */
  @Override
  void poll() {
    for (MockKubernetes.Request r : kube.drainRequests()) {
      if (r.fromOperator()) {
        record(r.isWrite(), System.nanoTime());
      }
    }
  }
}
