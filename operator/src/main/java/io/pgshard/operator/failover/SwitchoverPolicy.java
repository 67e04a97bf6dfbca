package io.pgshard.operator.failover;

import java.util.Optional;

/**
 * Whether a switchover the user asked for may start. Pure, like {@link FailoverPolicy}: a planned
 * switchover needs a healthy primary and a target that streams from it and is not far behind,
 * otherwise it is refused with a reason and nothing is touched.
 */
public final class SwitchoverPolicy {

  private SwitchoverPolicy() {}

  /** The refusal, or empty when the switchover to {@code target} may start now. */
  public static Optional<FailoverDecision.Refuse> check(
      FailoverSettings settings, ObservedShard shard, String target) {
    String primary = shard.labelledPrimary();
    if (shard.targetPrimary() != null) {
      return refuse(
          "FailoverInProgress",
          "a promotion of " + shard.targetPrimary() + " is under way; ask again once it is done");
    }
    Optional<InstanceObservation> candidate = shard.instance(target);
    if (candidate.isEmpty()) {
      return refuse("UnknownTarget", target + " is not an instance of this shard");
    }
    Optional<InstanceObservation> current =
        primary == null ? Optional.empty() : shard.instance(primary);
    if (current.isEmpty() || !current.get().isPrimary()) {
      return refuse(
          "PrimaryNotHealthy",
          "a switchover needs a healthy primary to hand over from; "
              + (primary == null ? "none is labelled" : primary + " does not answer as primary"));
    }
    InstanceObservation to = candidate.get();
    if (!to.isStandby() || !to.streaming()) {
      return refuse("TargetNotStreaming", target + " is not a standby streaming WAL");
    }
    long lag = current.get().position() - to.position();
    if (lag > settings.maxLagBytes()) {
      return refuse(
          "TargetTooFarBehind",
          target
              + " is "
              + lag
              + " bytes behind the primary, more than maxLagOnFailover ("
              + settings.maxLagBytes()
              + ")");
    }
    return Optional.empty();
  }

  private static Optional<FailoverDecision.Refuse> refuse(String reason, String message) {
    return Optional.of(new FailoverDecision.Refuse(reason, message));
  }
}
