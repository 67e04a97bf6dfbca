/**
 * Work on a shard's primary over JDBC that is not failover: the schema applied once per shard, and
 * partitions created ahead and retired as a {@code partitions.PartitionPlan} says. Runs off the
 * reconcile threads ({@code reconciler.MaintenanceStep}).
 */
package io.pgshard.operator.maintenance;
