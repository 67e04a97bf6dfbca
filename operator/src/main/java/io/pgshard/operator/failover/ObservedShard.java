package io.pgshard.operator.failover;

import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of a shard, taken before any decision.
 *
 * @param labelledPrimary pod carrying the primary role label, or null
 * @param labelledPrimaryPodExists whether that pod still exists (a deleted pod needs no threshold)
 * @param primaryFailures consecutive failed probes of the labelled primary
 * @param lastPrimaryLsn the last WAL position seen on the primary (for the lag limit), or null
 * @param systemIdentifier the shard's PostgreSQL system identifier once known, or null
 * @param targetPrimary a promotion recorded but not finished (operator restarted mid-way), or null
 * @param initialized whether the shard has ever had a primary
 * @param lastPrimaryTimeline the timeline the primary last wrote on, or null before it was seen
 * @param labelledPrimaryTerminating whether the labelled primary's pod is being deleted (a drain,
 *     {@code kubectl delete pod}): a planned handover, not a failure
 */
public record ObservedShard(
    String labelledPrimary,
    boolean labelledPrimaryPodExists,
    int primaryFailures,
    Long lastPrimaryLsn,
    String systemIdentifier,
    String targetPrimary,
    boolean initialized,
    List<InstanceObservation> instances,
    Long lastPrimaryTimeline,
    boolean labelledPrimaryTerminating) {

  public ObservedShard {
    instances = List.copyOf(instances);
  }

  public Optional<InstanceObservation> instance(String pod) {
    return instances.stream().filter(i -> i.pod().equals(pod)).findFirst();
  }
}
