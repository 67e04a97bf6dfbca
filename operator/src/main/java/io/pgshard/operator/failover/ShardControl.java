package io.pgshard.operator.failover;

/**
 * The Kubernetes side of a failover, as the executor needs it. The reconciler implements it with
 * the API client (pod labels, pod deletion, PostgresShard status); tests implement it on local
 * processes. Every method must be idempotent: a step may be repeated after an operator restart.
 */
public interface ShardControl {

  /** Persist the promotion target before acting (status.targetPrimary). */
  void recordTarget(String pod);

  /** Fence the old primary: take the primary role label off (the rw Service empties). */
  void removePrimaryLabel(String pod);

  /**
   * Fence the old primary: delete its pod (it comes back as a standby and rewinds). {@code
   * immediately}: a primary that failed is not worth a graceful stop; its kubelet kills it after a
   * second's grace, so the fence can be confirmed (pod gone) quickly even if it hangs.
   */
  void deletePod(String pod, boolean immediately);

  /** Route the rw Service to the new primary: label it primary, every other instance replica. */
  void labelPrimary(String pod);

  /**
   * Record the finished promotion (status.lastFailover, an event, metrics) and clear the target.
   */
  void recordPromotion(FailoverDecision.Promote promotion, long promotedAtMillis);
}
