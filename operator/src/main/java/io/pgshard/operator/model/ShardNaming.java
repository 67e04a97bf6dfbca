package io.pgshard.operator.model;

import io.pgshard.operator.api.v1alpha1.PostgresShard;

/** Names and DNS of one shard, derived once from a PostgresShard. */
public record ShardNaming(String cluster, String shard, String namespace) {

  public static ShardNaming of(PostgresShard shard) {
    return new ShardNaming(
        shard.getSpec().getClusterName(),
        shard.getMetadata().getName(),
        shard.getMetadata().getNamespace());
  }

  /** In-cluster host of the rw Service: the current primary. */
  public String primaryHost() {
    return ResourceNames.serviceHost(ResourceNames.primaryService(shard), namespace);
  }

  public String replicaHost() {
    return ResourceNames.serviceHost(ResourceNames.replicaService(shard), namespace);
  }

  public String poolerHost() {
    return ResourceNames.serviceHost(ResourceNames.pooler(shard), namespace);
  }
}
