package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of one shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresShardStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Creating, Ready, Degraded, FailingOver or Deleting.")
  private String phase;

  @JsonPropertyDescription("Pod name of the current primary.")
  private String currentPrimary;

  @JsonPropertyDescription("Pod being promoted during a failover or switchover.")
  private String targetPrimary;

  @JsonPropertyDescription(
      "Old primary's pod that the failover in progress deleted to fence it (with"
          + " fencedPrimaryUid).")
  private String fencedPrimary;

  @JsonPropertyDescription(
      "UID of the fenced pod. A pod of that name with another UID is its replacement, which starts"
          + " as a standby.")
  private String fencedPrimaryUid;

  @JsonPropertyDescription("Instances that pass their readiness probe.")
  private Integer readyInstances;

  @JsonPropertyDescription("Instances the shard should run (replicas + 1).")
  private Integer desiredInstances;

  @JsonPropertyDescription("Per-instance observations.")
  private List<InstanceStatus> instances = new ArrayList<>();

  @JsonPropertyDescription(
      "When the timelines, WAL positions and lag in instances were probed. Refreshed at once when"
          + " an instance's role, timeline or reachability changes, otherwise at most every 30 s.")
  private String instancesProbedAt;

  @JsonPropertyDescription("The last failover.")
  private FailoverRecord lastFailover;

  @JsonPropertyDescription(
      "What the failover guards know of the last primary (WAL position, timeline, system"
          + " identifier), so that they hold across operator restarts.")
  private PrimaryHistoryStatus lastPrimary;

  @JsonPropertyDescription("Partition maintenance per table.")
  private List<PartitionStatus> partitions = new ArrayList<>();

  @JsonPropertyDescription(
      "Base backups (with spec.backup): the last completed, failed and running.")
  private ShardBackupStatus backup;

  @JsonPropertyDescription(
      "Rolling restarts: the revision every instance should run, how many do, and the phase.")
  private ShardRolloutStatus rollout;

  @JsonPropertyDescription(
      "A growth of the data claims (spec.postgres.storage.size raised): each claim's request and"
          + " capacity.")
  private ShardStorageStatus storage;

  @JsonPropertyDescription("Ready, Progressing, Degraded, PoolerReady and failover conditions.")
  private List<Condition> conditions = new ArrayList<>();

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

  public String getCurrentPrimary() {
    return currentPrimary;
  }

  public void setCurrentPrimary(String currentPrimary) {
    this.currentPrimary = currentPrimary;
  }

  public String getFencedPrimary() {
    return fencedPrimary;
  }

  public void setFencedPrimary(String fencedPrimary) {
    this.fencedPrimary = fencedPrimary;
  }

  public String getFencedPrimaryUid() {
    return fencedPrimaryUid;
  }

  public void setFencedPrimaryUid(String fencedPrimaryUid) {
    this.fencedPrimaryUid = fencedPrimaryUid;
  }

  public String getTargetPrimary() {
    return targetPrimary;
  }

  public void setTargetPrimary(String targetPrimary) {
    this.targetPrimary = targetPrimary;
  }

  public Integer getReadyInstances() {
    return readyInstances;
  }

  public void setReadyInstances(Integer readyInstances) {
    this.readyInstances = readyInstances;
  }

  public Integer getDesiredInstances() {
    return desiredInstances;
  }

  public void setDesiredInstances(Integer desiredInstances) {
    this.desiredInstances = desiredInstances;
  }

  public List<InstanceStatus> getInstances() {
    return instances;
  }

  public void setInstances(List<InstanceStatus> instances) {
    this.instances = instances;
  }

  public String getInstancesProbedAt() {
    return instancesProbedAt;
  }

  public void setInstancesProbedAt(String instancesProbedAt) {
    this.instancesProbedAt = instancesProbedAt;
  }

  public FailoverRecord getLastFailover() {
    return lastFailover;
  }

  public void setLastFailover(FailoverRecord lastFailover) {
    this.lastFailover = lastFailover;
  }

  public PrimaryHistoryStatus getLastPrimary() {
    return lastPrimary;
  }

  public void setLastPrimary(PrimaryHistoryStatus lastPrimary) {
    this.lastPrimary = lastPrimary;
  }

  public List<PartitionStatus> getPartitions() {
    return partitions;
  }

  public void setPartitions(List<PartitionStatus> partitions) {
    this.partitions = partitions;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public ShardBackupStatus getBackup() {
    return backup;
  }

  public ShardStorageStatus getStorage() {
    return storage;
  }

  public void setStorage(ShardStorageStatus storage) {
    this.storage = storage;
  }

  public ShardRolloutStatus getRollout() {
    return rollout;
  }

  public void setRollout(ShardRolloutStatus rollout) {
    this.rollout = rollout;
  }

  public void setBackup(ShardBackupStatus backup) {
    this.backup = backup;
  }
}
