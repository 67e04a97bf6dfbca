package io.pgshard.operator.failover;

import java.time.Duration;
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
 *       relabelled and restarted as a standby, target promoted and labelled);
 *   <li>wait until the old primary has stopped, so no stale route leads a pooler to it;
 *   <li>RESUME the poolers: the waiting queries run on the new primary.
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
      long flushed = fenceAndCatchUp(from, to);
      String message =
          "planned switchover from " + from + " after " + to + " replayed " + Lsn.format(flushed);
      try {
        new FailoverExecutor(control, promoter, clockMillis)
            .execute(
                new FailoverDecision.Promote(
                    to, from, 0, FailoverDecision.Promote.SWITCHOVER, message, true));
        fence.awaitStopped(from);
      } catch (FencePendingException e) {
        throw new IllegalStateException("a switchover's fence needs no confirmation", e);
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

  private long fenceAndCatchUp(String from, String to) throws SwitchoverException {
    try {
      long flushed = fence.fence(from);
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
      return flushed;
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
