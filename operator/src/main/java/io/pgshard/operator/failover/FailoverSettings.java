package io.pgshard.operator.failover;

/**
 * The part of a shard's spec the failover policy reads.
 *
 * @param syncStandbys k of {@code ANY k (...)} in synchronous mode, 0 in asynchronous mode
 * @param standbys how many standbys the shard is meant to have (its {@code replicas})
 */
public record FailoverSettings(
    boolean enabled, int failureThreshold, long maxLagBytes, int syncStandbys, int standbys) {

  /** Asynchronous replication. */
  public FailoverSettings(boolean enabled, int failureThreshold, long maxLagBytes) {
    this(enabled, failureThreshold, maxLagBytes, 0, 0);
  }

  /**
   * How many standbys a failover must examine so that one of them holds every acknowledged commit:
   * with {@code ANY k} of n standbys a commit is on at least k of them, so any n−k+1 include one.
   * Zero in asynchronous mode, where no such guarantee exists.
   */
  public int quorum() {
    return syncStandbys <= 0 ? 0 : Math.max(1, standbys - syncStandbys + 1);
  }
}
