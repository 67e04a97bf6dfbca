package io.pgshard.operator.rollout;

/** Where a shard's rollout stands; the value is what status.rollout.phase says. */
public enum RolloutPhase {
  /** Every instance runs the target revision and no parameter waits for a restart. */
  UP_TO_DATE("UpToDate", false),
  /** Instances are out of date and spec.rollout.paused holds the restarts. */
  PAUSED("Paused", false),
  /** Instances are out of date; the rollout waits for its turn or a healthy shard to begin. */
  WAITING("Waiting", false),
  RESTARTING_STANDBY("RestartingStandby", true),
  SWITCHOVER("Switchover", true),
  RESTARTING_FORMER_PRIMARY("RestartingFormerPrimary", true),
  /** A shard without standbys: its primary restarts in place (writes wait until it is back). */
  RESTARTING_PRIMARY("RestartingPrimary", true);

  private final String value;
  private final boolean rolling;

  RolloutPhase(String value, boolean rolling) {
    this.value = value;
    this.rolling = rolling;
  }

  public String value() {
    return value;
  }

  /** Whether the shard is in the middle of a rollout (it holds one of the cluster's turns). */
  public boolean rolling() {
    return rolling;
  }

  /** The phase status names, or null for null or a value this operator does not know. */
  public static RolloutPhase of(String value) {
    for (RolloutPhase p : values()) {
      if (p.value.equals(value)) {
        return p;
      }
    }
    return null;
  }
}
