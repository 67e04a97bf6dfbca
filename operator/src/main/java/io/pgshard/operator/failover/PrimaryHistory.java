package io.pgshard.operator.failover;

import java.util.Map;

/**
 * What the failover guards remember, kept in status so that an operator that restarts (or the
 * replica that takes the Lease) still enforces them: the WAL position last seen on the primary (for
 * {@code maxLagOnFailover}), the timeline it wrote on (only standbys on it are eligible), the
 * cluster's system identifier, and the timeline each instance was last seen on ({@code
 * status.instances[].timeline}: a standby whose WAL receiver is down reports an older one until its
 * next restartpoint). Any field may be null when it was never seen.
 */
public record PrimaryHistory(
    Long lsn, Long timeline, String systemIdentifier, Map<String, Long> instanceTimelines) {

  public static final PrimaryHistory NONE = new PrimaryHistory(null, null, null, Map.of());

  public PrimaryHistory {
    instanceTimelines = instanceTimelines == null ? Map.of() : Map.copyOf(instanceTimelines);
  }

  public PrimaryHistory(Long lsn, Long timeline, String systemIdentifier) {
    this(lsn, timeline, systemIdentifier, Map.of());
  }
}
