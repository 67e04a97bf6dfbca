package io.pgshard.operator.status;

import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.ObservedShard;
import java.time.Instant;
import java.util.List;

/**
 * What the operator saw of one shard in one reconcile: an immutable snapshot its status is computed
 * from. Built by the reconciler from its informer caches and the instance monitor.
 *
 * @param probed what the instance monitor last published for status (timelines, WAL positions), or
 *     null when the shard has not been probed (or the monitor is off)
 * @param probedAt when {@code probed} was observed, or null
 * @param partitionTables how many tables the spec's partition schedules name
 * @param partitions maintenance results per table, or null when there is nothing new (the previous
 *     status is kept)
 * @param schemaWanted whether the spec names a schema
 * @param schema whether the spec's schema is applied; null when the spec names none or nothing new
 *     is known (the condition is kept)
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
    FailoverDecision failover,
    ObservedShard probed,
    Instant probedAt,
    int partitionTables,
    List<PartitionStatus> partitions,
    boolean schemaWanted,
    Schema schema) {

  /**
   * The schema on the shard's primary: applied (true), failed (false) or not yet tried (null), with
   * a CamelCase reason and a message.
   */
  public record Schema(Boolean applied, String reason, String message) {
    public static final Schema PENDING =
        new Schema(null, "Pending", "the schema has not been applied yet");
  }

  /** One PostgreSQL pod: its role label (null until the operator sets one) and readiness. */
  public record Instance(String name, String role, boolean ready) {}

  public ShardObservation {
    instances = List.copyOf(instances);
    problems = List.copyOf(problems);
    partitions = partitions == null ? null : List.copyOf(partitions);
  }
}
