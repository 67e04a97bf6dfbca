/**
 * Rolling restarts: the pure plan that decides, on a snapshot of a shard's instances, which one
 * restarts next, when the primary hands over, and when to wait ({@code RolloutPlan}). No client, no
 * JDBC here: the reconciler's {@code RolloutStep} carries out what the plan says.
 */
package io.pgshard.operator.rollout;
