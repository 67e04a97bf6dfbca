/**
 * Failover: the pure policy that decides on a snapshot of a shard's instances ({@code
 * FailoverPolicy}, a sealed {@code FailoverDecision}), and what it decides on. No client, no JDBC
 * here: ArchitectureTest keeps it so.
 */
package io.pgshard.operator.failover;
