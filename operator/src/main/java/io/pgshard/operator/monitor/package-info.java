/**
 * The instance monitor: probes every PostgreSQL instance of a shard over JDBC and turns the answers
 * into the snapshot the failover policy decides on.
 */
package io.pgshard.operator.monitor;
