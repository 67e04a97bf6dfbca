package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a ShardedCluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardedClusterStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Creating, Ready, Degraded, FailingOver or Deleting.")
  private String phase;

  @JsonPropertyDescription("Ready, Progressing, Degraded, PartitionsReady, PoolerReady.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per shard.")
  private List<ShardSummary> shards = new ArrayList<>();

  @JsonPropertyDescription("Name of the ConfigMap with the shard map.")
  private String shardMap;

  @JsonPropertyDescription("Ready shards out of all, for kubectl get.")
  private String readyShards;

  @JsonPropertyDescription("Cross-shard restore points (with spec.backup).")
  private ClusterBackupStatus backup;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<ShardSummary> getShards() {
    return shards;
  }

  public void setShards(List<ShardSummary> shards) {
    this.shards = shards;
  }

  public String getShardMap() {
    return shardMap;
  }

  public void setShardMap(String shardMap) {
    this.shardMap = shardMap;
  }

  public String getReadyShards() {
    return readyShards;
  }

  public void setReadyShards(String readyShards) {
    this.readyShards = readyShards;
  }

  public ClusterBackupStatus getBackup() {
    return backup;
  }

  public void setBackup(ClusterBackupStatus backup) {
    this.backup = backup;
  }
}
