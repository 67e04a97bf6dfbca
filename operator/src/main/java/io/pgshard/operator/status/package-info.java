/**
 * Status of both kinds, computed as pure functions of the previous status and an observation:
 * conditions in the Kubernetes shape ({@code lastTransitionTime} kept when nothing changed, {@code
 * observedGeneration} everywhere), phases, and the aggregation of shards into the cluster.
 */
package io.pgshard.operator.status;
