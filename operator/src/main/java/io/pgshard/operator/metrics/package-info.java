/**
 * Metrics (failover, instances, partitions: Micrometer meters named {@code pgshard_*}) and the
 * operator's HTTP endpoints (health, readiness, Prometheus scrape).
 */
package io.pgshard.operator.metrics;
