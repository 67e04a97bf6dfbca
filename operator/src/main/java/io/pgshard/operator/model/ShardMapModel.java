package io.pgshard.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code <cluster>-shard-map}: how a client routes a key. {@code shardmap.json} names the hash
 * function, each shard's hash range and its rw, ro and pooler endpoints.
 */
public final class ShardMapModel {

  public static final String KEY = "shardmap.json";
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ShardMapModel() {}

  public static ConfigMap desired(ShardedCluster cluster) {
    String name = cluster.getMetadata().getName();
    return new ConfigMapBuilder()
        .withMetadata(
            Owned.meta(
                cluster,
                ResourceNames.shardMap(name),
                Labels.forCluster(name, Labels.Component.CLUSTER)))
        .addToData(KEY, json(cluster))
        .build();
  }

  static String json(ShardedCluster cluster) {
    String name = cluster.getMetadata().getName();
    String namespace = cluster.getMetadata().getNamespace();
    int count = cluster.getSpec().getShards();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("cluster", name);
    root.put("namespace", namespace);
    root.put("database", cluster.getSpec().getDatabase().getName());
    root.put("hashFunction", HashRanges.HASH_FUNCTION);
    root.put("hashFunctionDescription", HashRanges.HASH_FUNCTION_DESCRIPTION);
    root.put("shardCount", count);
    List<Map<String, Object>> shards = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String shard = ResourceNames.shard(name, i);
      ShardNaming naming = new ShardNaming(name, shard, namespace);
      HashRanges.Range range = HashRanges.rangeOf(i, count);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("index", i);
      entry.put("name", shard);
      Map<String, String> hashRange = new LinkedHashMap<>();
      hashRange.put("start", range.startHex());
      hashRange.put("end", range.endHex());
      entry.put("hashRange", hashRange);
      entry.put("rw", endpoint(naming.primaryHost()));
      entry.put("ro", endpoint(naming.replicaHost()));
      entry.put(
          "pooler",
          cluster.getSpec().getPooler().isEnabled() ? endpoint(naming.poolerHost()) : null);
      shards.add(entry);
    }
    root.put("shards", shards);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps always serialize", e);
    }
  }

  private static String endpoint(String host) {
    return host + ":" + ShardStatefulSetModel.POSTGRES_PORT;
  }
}
