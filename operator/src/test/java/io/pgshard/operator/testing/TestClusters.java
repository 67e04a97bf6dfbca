package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterSpec;
import io.pgshard.operator.model.PostgresShardModel;
import java.util.function.Consumer;

/** ShardedClusters and their PostgresShards built in memory, as a unit test needs them. */
public final class TestClusters {

  public static final String NAMESPACE = "shop";

  private TestClusters() {}

  /** A cluster {@code orders} with {@code shards} shards and defaults elsewhere. */
  public static ShardedCluster cluster(int shards, Consumer<ShardedClusterSpec> customize) {
    ShardedCluster cluster = new ShardedCluster();
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withName("orders")
            .withNamespace(NAMESPACE)
            .withUid("11111111-2222-3333-4444-555555555555")
            .withGeneration(1L)
            .build());
    ShardedClusterSpec spec = new ShardedClusterSpec();
    spec.setShards(shards);
    customize.accept(spec);
    cluster.setSpec(spec);
    return cluster;
  }

  /** Shard {@code index} of {@link #cluster}, with metadata as the API server would return. */
  public static PostgresShard shard(int index, Consumer<ShardedClusterSpec> customize) {
    PostgresShard shard =
        PostgresShardModel.desired(cluster(Math.max(index + 1, 2), customize), index);
    shard.getMetadata().setUid("99999999-0000-0000-0000-00000000000" + index);
    shard.getMetadata().setGeneration(1L);
    return shard;
  }

  public static PostgresShard shard(int index) {
    return shard(index, s -> {});
  }
}
