/**
 * Adapters to the Kubernetes API that are neither reconcilers nor dependents: discovery of what the
 * server serves, Events, Secrets, pod labels and fencing, the PgBouncer pods of a shard.
 */
package io.pgshard.operator.kube;
