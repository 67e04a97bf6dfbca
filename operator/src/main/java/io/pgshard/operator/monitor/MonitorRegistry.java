package io.pgshard.operator.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One {@link ShardMonitor} per shard, created on first use. A live shard is reconciled every probe
 * interval; a monitor unused for {@code idleAfter} belongs to a deleted shard (or to an operator
 * replica that lost its Lease) and is closed with its connections. So a shard needs no finalizer
 * for the operator to let go of it.
 */
public final class MonitorRegistry implements AutoCloseable {

  private record Entry(ShardMonitor monitor, long lastUsedMillis) {}

  private final Map<String, Entry> monitors = new HashMap<>();
  private final Clock clock;
  private final Duration idleAfter;

  public MonitorRegistry(Clock clock, Duration idleAfter) {
    this.clock = clock;
    this.idleAfter = idleAfter;
  }

  /** The monitor of shard {@code key} (namespace/name), created by {@code create} if absent. */
  public synchronized ShardMonitor monitor(String key, Supplier<ShardMonitor> create) {
    long now = clock.millis();
    monitors
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().equals(key)
                  && now - e.getValue().lastUsedMillis() > idleAfter.toMillis()) {
                e.getValue().monitor().close();
                return true;
              }
              return false;
            });
    Entry entry = monitors.get(key);
    ShardMonitor monitor = entry == null ? create.get() : entry.monitor();
    monitors.put(key, new Entry(monitor, now));
    return monitor;
  }

  public synchronized int size() {
    return monitors.size();
  }

  @Override
  public synchronized void close() {
    monitors.values().forEach(e -> e.monitor().close());
    monitors.clear();
  }
}
