package io.pgshard.operator.pooler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One pause of a shard's poolers at a time in this operator. A switchover and a cross-shard restore
 * point both PAUSE and RESUME the same PgBouncers: without this, one's RESUME would end the other's
 * pause (a switchover's clients would reach the primary being stopped). Only the leading operator
 * pauses poolers, so a lock in its memory is enough.
 */
public final class PauseLocks {

  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  /** Locks held together; {@link #close()} releases them. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Holds the lock of every shard in {@code shards} (namespace/name keys), taken in sorted order so
   * that two callers never wait on each other; empty when one is not free within {@code wait}
   * (nothing is held then).
   */
  public Optional<Held> acquire(Collection<String> shards, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    List<ReentrantLock> held = new ArrayList<>();
    for (String shard : shards.stream().sorted().distinct().toList()) {
      ReentrantLock lock = locks.computeIfAbsent(shard, k -> new ReentrantLock());
      long left = Math.max(0, deadline - System.nanoTime());
      if (!lock.tryLock(left, TimeUnit.NANOSECONDS)) {
        held.forEach(ReentrantLock::unlock);
        return Optional.empty();
      }
      held.add(lock);
    }
    return Optional.of(() -> held.forEach(ReentrantLock::unlock));
  }

  /** The key of a shard. */
  public static String key(String namespace, String shard) {
    return namespace + "/" + shard;
  }
}
