/**
 * Adapters to the Kubernetes API outside the dependent workflow: discovery of what the server
 * serves, Events, the cluster Secrets and credentials, pod labels and fencing for failover ({@code
 * KubernetesShardControl}), the PgBouncer pods of a shard, the leader Lease's release.
 */
package io.pgshard.operator.kube;
