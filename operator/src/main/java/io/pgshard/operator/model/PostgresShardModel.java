package io.pgshard.operator.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.SecretNames;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;

/** The PostgresShard child of a ShardedCluster: that shard's slice of the cluster's spec. */
public final class PostgresShardModel {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private PostgresShardModel() {}

  public static PostgresShard desired(ShardedCluster cluster, int index) {
    String clusterName = cluster.getMetadata().getName();
    String name = ResourceNames.shard(clusterName, index);
    // a deep copy of the shared template (shards is not part of it and is dropped)
    PostgresShardSpec spec = MAPPER.convertValue(cluster.getSpec(), PostgresShardSpec.class);
    spec.setClusterName(clusterName);
    spec.setIndex(index);
    spec.setHashRange(HashRanges.rangeOf(index, cluster.getSpec().getShards()).asList());
    SecretNames secrets = new SecretNames();
    secrets.setSuperuser(ResourceNames.superuserSecret(clusterName));
    secrets.setReplication(ResourceNames.replicationSecret(clusterName));
    secrets.setApp(ResourceNames.appSecret(clusterName));
    secrets.setPoolerAdmin(ResourceNames.poolerAdminSecret(clusterName));
    spec.setSecrets(secrets);
    if (cluster.getSpec().getBackup() != null && cluster.getMetadata().getAnnotations() != null) {
      String request = cluster.getMetadata().getAnnotations().get(Labels.BACKUP);
      spec.setBackupRequest(request == null || request.isBlank() ? null : request.strip());
    }
    spec.setRestartRequest(annotation(cluster, Labels.RESTART));

    PostgresShard shard = new PostgresShard();
    ObjectMeta meta =
        Owned.meta(cluster, name, Labels.forCluster(clusterName, Labels.Component.SHARD));
    meta.getLabels().put(Labels.SHARD, name);
    shard.setMetadata(meta);
    shard.setSpec(spec);
    shard.setStatus(null);
    return shard;
  }

  /** A non-blank annotation's value, stripped, or null. */
  static String annotation(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
    var annotations = object.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
