/**
 * The pgshard API ({@code pgshard.io/v1alpha1}): {@link
 * io.pgshard.operator.api.v1alpha1.ShardedCluster}, what users write, and {@link
 * io.pgshard.operator.api.v1alpha1.PostgresShard}, one per shard, written by the operator. Defaults
 * and schema validation are annotations here; the CRDs in {@code crds/} are generated from these
 * classes. CRD descriptions come from {@code @JsonPropertyDescription}, because Javadoc does not
 * survive compilation.
 */
package io.pgshard.operator.api.v1alpha1;
