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
   * promotion of a shard); {@code lostBytesEstimate} what it had that the candidate has not. {@code
   * fenced}: {@code from} is already known not to acknowledge a commit any more: it was seen down
   * (connection refused; it starts again as a standby) or running as a standby, or in synchronous
   * mode enough standbys were seen not streaming from it. Otherwise the executor confirms the fence
   * before promoting.
   */
  record Promote(
      String candidate,
      String from,
      long lostBytesEstimate,
      String reason,
      String message,
      boolean fenced)
      implements FailoverDecision {

    public Promote(
        String candidate, String from, long lostBytesEstimate, String reason, String message) {
      this(candidate, from, lostBytesEstimate, reason, message, false);
    }

    /** The reason of a planned switchover's promotion. */
    public static final String SWITCHOVER = "Switchover";

    /** A planned handover from a healthy primary (it stops gracefully), not a failure. */
    public boolean planned() {
      return SWITCHOVER.equals(reason);
    }
  }

  /**
   * The primary {@code from} is healthy but its pod is being deleted (a drain): hand over to {@code
   * candidate} with a planned switchover, so nothing acknowledged is lost and clients wait instead
   * of failing.
   */
  record Handover(String candidate, String from, String reason, String message)
      implements FailoverDecision {}

  /** Automatic promotion is refused; a person has to decide. */
  record Refuse(String reason, String message) implements FailoverDecision {}
}
