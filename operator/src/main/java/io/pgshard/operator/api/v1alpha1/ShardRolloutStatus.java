package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Where a shard's instances stand against its StatefulSet's current template and settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardRolloutStatus {

  @JsonPropertyDescription("The StatefulSet revision every instance should run.")
  private String targetRevision;

  @JsonPropertyDescription("Instances of the shard.")
  private Integer instances;

  @JsonPropertyDescription(
      "Instances that run the target revision and wait for no restart to apply a parameter.")
  private Integer updatedInstances;

  @JsonPropertyDescription(
      "UpToDate, Paused, Waiting (for its turn or a healthy shard), RestartingStandby,"
          + " Switchover or RestartingFormerPrimary.")
  private String phase;

  @JsonPropertyDescription("What the rollout does or waits for, in words.")
  private String message;

  @JsonPropertyDescription("Instances still to restart, and why.")
  private List<String> pending = new ArrayList<>();

  @JsonPropertyDescription("When the current rollout started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the last rollout finished (RFC 3339).")
  private String lastCompletedAt;

  @JsonPropertyDescription("Instances the rollout restarted so far (or the last one, when done).")
  private Integer restartedInstances;

  public ShardRolloutStatus copy() {
    ShardRolloutStatus c = new ShardRolloutStatus();
    c.targetRevision = targetRevision;
    c.instances = instances;
    c.updatedInstances = updatedInstances;
    c.phase = phase;
    c.message = message;
    c.pending = new ArrayList<>(pending);
    c.startedAt = startedAt;
    c.lastCompletedAt = lastCompletedAt;
    c.restartedInstances = restartedInstances;
    return c;
  }

  public String getTargetRevision() {
    return targetRevision;
  }

  public void setTargetRevision(String targetRevision) {
    this.targetRevision = targetRevision;
  }

  public Integer getInstances() {
    return instances;
  }

  public void setInstances(Integer instances) {
    this.instances = instances;
  }

  public Integer getUpdatedInstances() {
    return updatedInstances;
  }

  public void setUpdatedInstances(Integer updatedInstances) {
    this.updatedInstances = updatedInstances;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<String> getPending() {
    return pending;
  }

  public void setPending(List<String> pending) {
    this.pending = pending;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getLastCompletedAt() {
    return lastCompletedAt;
  }

  public void setLastCompletedAt(String lastCompletedAt) {
    this.lastCompletedAt = lastCompletedAt;
  }

  public Integer getRestartedInstances() {
    return restartedInstances;
  }

  public void setRestartedInstances(Integer restartedInstances) {
    this.restartedInstances = restartedInstances;
  }
}
