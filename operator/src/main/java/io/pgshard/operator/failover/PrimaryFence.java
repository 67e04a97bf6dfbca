package io.pgshard.operator.failover;

import java.util.OptionalLong;

/** Stops and restores writes on a primary that is handing over, and reads WAL positions. */
public interface PrimaryFence {

  /**
   * Stops writes on {@code pod} (idempotent) and returns its WAL flush position once no session
   * that could write is left; empty when the instance shut down under the fence (a Terminating
   * primary's preStop hook stops it as soon as it sees the fence): its last WAL is then unknown,
   * and the promotion waits until it stopped and the target drained it.
   */
  OptionalLong fence(String pod) throws SwitchoverException;

  /** Undoes {@link #fence} on an aborted switchover; never throws. */
  void unfence(String pod);

  /**
   * Waits (bounded) until the fenced {@code pod} no longer accepts connections: until then a route
   * that still leads to it (Service endpoints and proxies lag a relabel) would hand a resumed
   * client a read-only session. Returns whether it went.
   */
  boolean awaitStopped(String pod);

  /**
   * Waits (bounded) until standby {@code pod} no longer streams from the stopped primary and has
   * replayed everything it received. A primary that stops gracefully writes WAL of its own after
   * the fence (its shutdown checkpoint and, with archiving, a segment switch) and sends it to every
   * standby before it exits: a target promoted before it replayed that WAL would start its timeline
   * behind the other standbys, which could then never follow it. Returns whether it drained.
   */
  boolean awaitDrained(String pod);

  /** The WAL replayed by standby {@code pod}. */
  long replayLsn(String pod) throws SwitchoverException;
}
