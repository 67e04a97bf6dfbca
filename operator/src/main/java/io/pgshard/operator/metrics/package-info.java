/** Metrics and the operator's HTTP endpoints (health, readiness, Prometheus scrape). */
package io.pgshard.operator.metrics;
