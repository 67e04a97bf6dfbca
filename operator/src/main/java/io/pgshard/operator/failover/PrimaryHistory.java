package io.pgshard.operator.failover;

/**
 * What the failover guards remember of the last primary, kept in status so that an operator that
 * restarts still enforces them: the WAL position last seen on it (for {@code maxLagOnFailover}),
 * the timeline it wrote on (only standbys on it are eligible) and the cluster's system identifier.
 * Any field may be null when it was never seen.
 */
public record PrimaryHistory(Long lsn, Long timeline, String systemIdentifier) {

  public static final PrimaryHistory NONE = new PrimaryHistory(null, null, null);
}
