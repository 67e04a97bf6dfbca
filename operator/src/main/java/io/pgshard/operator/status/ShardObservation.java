package io.pgshard.operator.status;

import io.pgshard.operator.failover.FailoverDecision;
import java.util.List;

/**
 * What the operator saw of one shard in one reconcile: an immutable snapshot its status is computed
 * from. Built by the reconciler from its informer caches.
 */
public record ShardObservation(
    long generation,
    int desiredInstances,
    List<Instance> instances,
    boolean initialized,
    boolean poolerEnabled,
    int poolerDesired,
    int poolerReady,
    List<String> problems,
    FailoverDecision failover) {

  /** One PostgreSQL pod: its role label (null until the operator sets one) and readiness. */
  public record Instance(String name, String role, boolean ready) {}

  public ShardObservation {
    instances = List.copyOf(instances);
    problems = List.copyOf(problems);
  }
}
