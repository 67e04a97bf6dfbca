package io.pgshard.operator.failover;

/**
 * The old primary was fenced (label removed, pod deleted) but is not confirmed stopped yet: no
 * promotion. The target stays on record and the next reconcile looks again.
 */
public final class FencePendingException extends Exception {
  private static final long serialVersionUID = 1L;

  public FencePendingException(String message) {
    super(message);
  }
}
