package io.pgshard.operator.failover;

/**
 * What to do about a shard's primary. Every decision carries a CamelCase reason (it becomes the
 * condition reason) and a message in words (the condition message and the event text).
 */
public sealed interface FailoverDecision {

  String reason();

  String message();

  /** The primary is healthy: nothing to do. */
  record None(String reason, String message) implements FailoverDecision {}

  /** Something may be wrong but acting now would be premature or impossible; look again. */
  record Wait(String reason, String message) implements FailoverDecision {}

  /**
   * Make {@code candidate} the primary. {@code from} is the old primary (null on the first
   * promotion of a shard); {@code lostBytesEstimate} what it had that the candidate has not.
   */
  record Promote(
      String candidate, String from, long lostBytesEstimate, String reason, String message)
      implements FailoverDecision {}

  /** Automatic promotion is refused; a person has to decide. */
  record Refuse(String reason, String message) implements FailoverDecision {}
}
