/**
 * One JOSDK dependent resource per Kubernetes object of a shard. Each {@code desired()} is one call
 * to a pure builder in {@code model}; JOSDK creates, matches and updates.
 */
package io.pgshard.operator.dependent;
