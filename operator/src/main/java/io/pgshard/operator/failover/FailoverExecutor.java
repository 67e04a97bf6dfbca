package io.pgshard.operator.failover;

import java.util.function.LongSupplier;

/**
 * Carries out a {@link FailoverDecision.Promote}: record the target, fence the old primary,
 * promote, route the rw Service, record the result. Each step is idempotent and the target is
 * recorded first, so an operator that restarts half-way finishes the same promotion (the policy
 * returns ResumingPromotion) instead of starting another.
 */
public final class FailoverExecutor {

  private final ShardControl control;
  private final Promoter promoter;
  private final LongSupplier clockMillis;

  public FailoverExecutor(ShardControl control, Promoter promoter, LongSupplier clockMillis) {
    this.control = control;
    this.promoter = promoter;
    this.clockMillis = clockMillis;
  }

  public void execute(FailoverDecision.Promote promotion) throws Promoter.PromotionFailedException {
    String candidate = promotion.candidate();
    control.recordTarget(candidate);
    String old = promotion.from();
    // a primary that restarted as a standby may itself be the best candidate: never fence it then
    if (old != null && !old.equals(candidate)) {
      control.removePrimaryLabel(old);
      control.deletePod(old);
    }
    promoter.promote(candidate);
    control.labelPrimary(candidate);
    control.recordPromotion(promotion, clockMillis.getAsLong());
    promoter.afterPromotion(candidate);
  }
}
