package io.pgshard.operator.failover;

/** The shard's PgBouncer pods, as a switchover needs them: every one paused, then resumed. */
public interface PoolerControl {

  /**
   * Pauses every pooler of the shard: each waits for its running transactions, then holds new
   * queries. On failure the poolers already paused stay paused; call {@link #resume()}.
   */
  void pause() throws SwitchoverException;

  /** Resumes every pooler of the shard. Idempotent, never throws: a pooler that is gone is fine. */
  void resume();
}
