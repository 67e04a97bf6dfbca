package io.pgshard.operator.failover;

/** Promotes a PostgreSQL instance. Implemented over JDBC; idempotent on a primary. */
public interface Promoter {

  /** Promote {@code pod} if it is still in recovery, and wait until it accepts writes. */
  void promote(String pod) throws PromotionFailedException;

  /**
   * Work that follows a promotion but need not delay the first write (a checkpoint). Failures are
   * the implementation's to log: the promotion has happened.
   */
  default void afterPromotion(String pod) {}

  /** Why a promotion did not happen. */
  final class PromotionFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PromotionFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
