package io.pgshard.operator.failover;

/** The shard's PgBouncer pods, as a switchover needs them: every one paused, then resumed. */
public interface PoolerControl {

  /**
   * Pauses every pooler of the shard: each waits for its running transactions, then holds new
   * queries. On failure the poolers already paused stay paused; call {@link #resume()}.
   */
  void pause() throws SwitchoverException;

  /**
   * Waits (bounded, never throws) until the shard's rw Service routes to {@code primary} alone: a
   * pooler resumed earlier would open its server connections through a stale route, to the stopped
   * old primary, and hand its clients login errors.
   */
  void awaitRoute(String primary);

  /** Resumes every pooler of the shard. Idempotent, never throws: a pooler that is gone is fine. */
  void resume();
}
