package io.pgshard.e2e.bench;

/**
 * The operator's API requests as the memory benchmark counts them: since the last {@link #reset},
 * and when it last wrote. Polled often, so the time of a write is known to within a poll. A
 * subclass reads its source in {@link #poll} and tells each request to {@link #record}.
 */
abstract class Traffic {

  record Counts(int requests, int writes) {}

  private int requests;
  private int writes;
  private long lastWriteNanos;

  /** Takes what was recorded since the last poll. */
  abstract void poll();

  /** One request of the operator; a write at {@code nanos} ({@link System#nanoTime()}). */
  protected final void record(boolean write, long nanos) {
    requests++;
    if (write) {
      writes++;
      lastWriteNanos = Math.max(lastWriteNanos, nanos);
    }
  }

  /** Polls, then counts from zero again, as if the last write had been at {@code nanos}. */
  final void reset(long nanos) {
    poll();
    requests = 0;
    writes = 0;
    lastWriteNanos = nanos;
  }

  final Counts counts() {
    return new Counts(requests, writes);
  }

  /** When the last write was polled, or the last reset if there was none since. */
  final long lastWriteNanos() {
    return lastWriteNanos;
  }
}
