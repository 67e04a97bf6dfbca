package io.pgshard.operator.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *       queries run on the new primary; the promotion is recorded in status, and the checkpoint
 *       that follows a promotion runs, after that.
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

  /** Where the time went, step by step: for the completion event and the log. */
  private final List<String> timings = new ArrayList<>();

  private long lastMark;

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
    lastMark = clockMillis.getAsLong();
    FailoverDecision.Promote promotion = null;
    FailoverExecutor failover = null;
    try {
      poolers.pause();
      mark("paused");
      OptionalLong flushed = fenceAndCatchUp(from, to);
      mark(flushed.isPresent() ? "fenced and caught up" : "fenced");
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
              mark("target recorded, old pod relabelled and deleted");
              fence.awaitStopped(old);
              mark("old primary stopped");
              fence.awaitDrained(to);
              mark("target drained");
              return true;
            };
        FailoverExecutor promoting =
            new FailoverExecutor(control, promoter, clockMillis, stoppedAndDrained);
        FailoverDecision.Promote decision =
            new FailoverDecision.Promote(
                to, from, 0, FailoverDecision.Promote.SWITCHOVER, message, false);
        promoting.promote(decision);
        promotion = decision;
        failover = promoting;
        mark("promoted");
        poolers.awaitRoute(to);
        mark("routed");
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
      mark("resumed");
    }
    // the clients run again: the status writes and the checkpoint after the promotion would only
    // have held them (until recorded, the target on record finishes it after a restart)
    failover.record(promotion);
  }

  private void mark(String step) {
    long now = clockMillis.getAsLong();
    timings.add(step + " " + (now - lastMark) + " ms");
    lastMark = now;
  }

  /** The steps of the last {@link #execute} and the milliseconds each took, in order. */
  public String timings() {
    return String.join(", ", timings);
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
