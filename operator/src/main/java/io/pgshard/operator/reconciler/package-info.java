/**
 * The two reconcilers and what they orchestrate: {@code ShardedClusterReconciler} (Secrets,
 * PostgresShards, shard map, aggregated status) and {@code PostgresShardReconciler} (one dependent
 * per object, status from informer caches). They observe, decide, act and report; building objects
 * is left to {@code model}.
 */
package io.pgshard.operator.reconciler;
