/**
 * The cluster level: scenarios against a real Kubernetes control plane (v1.20.2 here) with the
 * operator in its production configuration: the chart's Deployment environment (two replicas,
 * leader election, server-side apply, the instance monitor), authorized only by the chart's RBAC.
 */
package io.pgshard.e2e.cluster;
