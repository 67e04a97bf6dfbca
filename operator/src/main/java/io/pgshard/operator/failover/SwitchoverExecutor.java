package io.pgshard.operator.failover;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A planned switchover from a healthy primary to a streaming standby, without losing an
 * acknowledged write and without a client error through the pooler:
 *
 * <ol>
 *   <li>PAUSE every pooler: running transactions finish, new queries wait (client connections stay
 *       open);
 *   <li>fence the old primary (no new write commits) and read its WAL flush position;
 *   <li>wait until the target has replayed up to that position;
 *   <li>promote it through the failover path ({@link FailoverExecutor}: target recorded, old pod
 *       relabelled and deleted gracefully), and before the promotion itself wait until the old
 *       primary has stopped (so no stale route leads a pooler to it) and the target has replayed
 *       the WAL the old primary wrote while stopping ({@link PrimaryFence#awaitDrained}): the new
 *       timeline then starts after everything any standby received, and every instance follows it
 *       without a rewind;
 *   <li>wait until the rw Service routes to the new primary, then RESUME the poolers: the waiting
 *       queries run on the new primary.
 * </ol>
 *
 * A failure before the promotion undoes the fence and resumes the poolers, leaving the old primary
 * in charge. A failure during promotion leaves the target on record, so the failover path finishes
 * it; the poolers are resumed either way.
 */
public final class SwitchoverExecutor {

  /** How the executor waits: injected so tests need not sleep. */
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final ShardControl control;
  private final Promoter promoter;
  private final PoolerControl poolers;
  private final PrimaryFence fence;
  private final LongSupplier clockMillis;
  private final Sleeper sleeper;
  private final Duration catchUpTimeout;

  public SwitchoverExecutor(
      ShardControl control,
      Promoter promoter,
      PoolerControl poolers,
      PrimaryFence fence,
      LongSupplier clockMillis,
      Sleeper sleeper,
      Duration catchUpTimeout) {
    this.control = control;
    this.promoter = promoter;
    this.poolers = poolers;
    this.fence = fence;
    this.clockMillis = clockMillis;
    this.sleeper = sleeper;
    this.catchUpTimeout = catchUpTimeout;
  }

  /** Hands the primary role from {@code from} to {@code to}. */
  public void execute(String from, String to) throws SwitchoverException {
    try {
      poolers.pause();
      OptionalLong flushed = fenceAndCatchUp(from, to);
      String message =
          "planned switchover from "
              + from
              + (flushed.isPresent()
                  ? " after " + to + " replayed " + Lsn.format(flushed.getAsLong())
                  : " after it shut down under the fence");
      try {
        // the fence holds writes whether or not the old primary stops in time: the check waits
        // for a clean handover of the last WAL, bounded, and never keeps the promotion back
        FenceCheck stoppedAndDrained =
            old -> {
              fence.awaitStopped(old);
              fence.awaitDrained(to);
              return true;
            };
        new FailoverExecutor(control, promoter, clockMillis, stoppedAndDrained)
            .execute(
                new FailoverDecision.Promote(
                    to, from, 0, FailoverDecision.Promote.SWITCHOVER, message, false));
        poolers.awaitRoute(to);
      } catch (FencePendingException e) {
        throw new IllegalStateException("a switchover's fence check never reports pending", e);
      } catch (Promoter.PromotionFailedException e) {
        throw new SwitchoverException(
            "PromotionFailed",
            e.getMessage() + "; the promotion of " + to + " stays on record and is retried",
            e);
      }
    } finally {
      poolers.resume();
    }
  }

  /** Empty when {@code from} shut down under the fence: the promotion's check drains it. */
  private OptionalLong fenceAndCatchUp(String from, String to) throws SwitchoverException {
    try {
      OptionalLong fenced = fence.fence(from);
      if (fenced.isEmpty()) {
        return fenced;
      }
      long flushed = fenced.getAsLong();
      long deadline = clockMillis.getAsLong() + catchUpTimeout.toMillis();
      while (Long.compareUnsigned(fence.replayLsn(to), flushed) < 0) {
        if (clockMillis.getAsLong() > deadline) {
          throw new SwitchoverException(
              "TargetNotCaughtUp",
              to
                  + " did not replay up to "
                  + Lsn.format(flushed)
                  + " within "
                  + catchUpTimeout.toSeconds()
                  + " s; "
                  + from
                  + " stays primary");
        }
        sleeper.sleep(20);
      }
      return fenced;
    } catch (SwitchoverException e) {
      fence.unfence(from);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fence.unfence(from);
      throw new SwitchoverException("Interrupted", "interrupted while waiting for " + to, e);
    }
  }
}
