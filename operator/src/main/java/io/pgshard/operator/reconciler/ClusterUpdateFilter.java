package io.pgshard.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;

/**
 * Which updates of a ShardedCluster start a reconcile: as for a shard ({@link ShardUpdateFilter}),
 * a new generation, changed annotations (a restore point request), labels, or deletion.
 */
public final class ClusterUpdateFilter implements OnUpdateFilter<ShardedCluster> {

  @Override
  public boolean accept(ShardedCluster updated, ShardedCluster old) {
    return ShardUpdateFilter.changed(updated, old);
  }
}
