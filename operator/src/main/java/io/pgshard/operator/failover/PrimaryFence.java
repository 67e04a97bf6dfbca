package io.pgshard.operator.failover;

/** Stops and restores writes on a primary that is handing over, and reads WAL positions. */
public interface PrimaryFence {

  /**
   * Stops writes on {@code pod} (idempotent) and returns its WAL flush position once no session
   * that could write is left.
   */
  long fence(String pod) throws SwitchoverException;

  /** Undoes {@link #fence} on an aborted switchover; never throws. */
  void unfence(String pod);

  /** The WAL replayed by standby {@code pod}. */
  long replayLsn(String pod) throws SwitchoverException;
}
