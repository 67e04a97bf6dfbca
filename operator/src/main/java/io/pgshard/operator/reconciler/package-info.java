/**
 * The two reconcilers and the steps they orchestrate: {@code ShardedClusterReconciler} (Secrets,
 * PostgresShards, shard map, aggregated status) and {@code PostgresShardReconciler} (one dependent
 * per object, failover, switchover and maintenance steps, status from informer caches), with the
 * event sources that wake them. They observe, decide, act and report; building objects is left to
 * {@code model}, talking to the API outside the workflow to {@code kube}, meters to {@code
 * metrics}.
 */
package io.pgshard.operator.reconciler;
