package io.pgshard.operator.failover;

import java.util.function.LongSupplier;

/**
 * Carries out a {@link FailoverDecision.Promote}: record the target, fence the old primary (role
 * label off, pod deleted) and confirm the fence, promote, route the rw Service, record the result.
 * Each step is idempotent and the target is recorded first, so an operator that restarts half-way
 * finishes the same promotion (the policy returns ResumingPromotion) instead of starting another.
 * Until the fence is confirmed nothing is promoted ({@link FencePendingException}): two primaries
 * that both acknowledge writes are worse than a longer wait.
 */
public final class FailoverExecutor {

  private final ShardControl control;
  private final Promoter promoter;
  private final LongSupplier clockMillis;
  private final FenceCheck fence;

  public FailoverExecutor(
      ShardControl control, Promoter promoter, LongSupplier clockMillis, FenceCheck fence) {
    this.control = control;
    this.promoter = promoter;
    this.clockMillis = clockMillis;
    this.fence = fence;
  }

  public void execute(FailoverDecision.Promote promotion)
      throws Promoter.PromotionFailedException, FencePendingException {
    promote(promotion);
    record(promotion);
  }

  /**
   * Everything up to the rw Service's new route: the target recorded, the old primary fenced, the
   * candidate promoted and labelled. {@link #record} must follow; until it does, the target on
   * record makes a restarted operator finish the promotion (every step is idempotent).
   */
  public void promote(FailoverDecision.Promote promotion)
      throws Promoter.PromotionFailedException, FencePendingException {
    String candidate = promotion.candidate();
    control.recordTarget(candidate);
    String old = promotion.from();
    // a primary that restarted as a standby may itself be the best candidate: never fence it then
    if (old != null && !old.equals(candidate)) {
      control.removePrimaryLabel(old);
      // a primary that failed is stopped at once (a hung one would sit out a graceful stop); one
      // that hands over in a switchover stops gracefully
      control.deletePod(old, !promotion.planned());
      if (!promotion.fenced() && !fence.confirmStopped(old)) {
        throw new FencePendingException(
            old
                + " is fenced (label removed, pod deleted) but not confirmed stopped yet: "
                + candidate
                + " is promoted once its pod is gone or it stops answering as a primary");
      }
    }
    promoter.promote(candidate);
    control.labelPrimary(candidate);
  }

  /** The promotion on record (the target cleared, the history written), then its aftercare. */
  public void record(FailoverDecision.Promote promotion) {
    control.recordPromotion(promotion, clockMillis.getAsLong());
    promoter.afterPromotion(promotion.candidate());
  }
}
