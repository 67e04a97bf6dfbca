package io.pgshard.operator.failover;

/**
 * Confirms that a fenced primary can no longer acknowledge a write, before its successor is
 * promoted: its pod is gone (the kubelet stopped its containers), nothing listens at its address
 * (every instance starts again as a standby), or it answers as a standby.
 */
public interface FenceCheck {

  /** Whether {@code pod} is confirmed stopped; may wait a short, bounded while. */
  boolean confirmStopped(String pod);
}
