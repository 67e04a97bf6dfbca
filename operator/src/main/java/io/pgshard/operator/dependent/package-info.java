/**
 * One JOSDK dependent resource per Kubernetes object of a shard. Each {@code desired()} is one call
 * to a pure builder in {@code model}; JOSDK creates, matches and updates.
 *
 * <p>Every dependent says {@code createResourceOnlyIfNotExistingWithSSA = false}: by default JOSDK
 * creates with a server-side apply that carries {@code resourceVersion: "1"} (create only if
 * absent), which Kubernetes before 1.23 refuses for Services with a 500 (kubernetes#106745).
 * Without it, a create on a stale cache applies the same fields to an object that exists, which is
 * what an update would do, so nothing is lost by leaving it out on every server. What differs by
 * server version is in {@code config.ServerCapabilities}, handed over by {@link
 * io.pgshard.operator.dependent.Capabilities}.
 */
package io.pgshard.operator.dependent;
