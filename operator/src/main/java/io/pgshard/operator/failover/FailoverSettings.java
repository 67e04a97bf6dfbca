package io.pgshard.operator.failover;

/** The part of a shard's spec the failover policy reads. */
public record FailoverSettings(boolean enabled, int failureThreshold, long maxLagBytes) {}
