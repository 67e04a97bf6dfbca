package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** A cross-shard restore point: the same name in every shard's WAL, written while paused. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestorePointRecord {

  @JsonPropertyDescription("The name (recovery_target_name of a restore to it).")
  private String name;

  @JsonPropertyDescription("Why: the annotation pgshard.io/restore-point, or the schedule.")
  private String reason;

  @JsonPropertyDescription("When it was written (RFC 3339), the poolers paused.")
  private String createdAt;

  @JsonPropertyDescription(
      "How long the poolers held new queries, from the first PAUSE to the last RESUME (ms).")
  private Long pauseMillis;

  @JsonPropertyDescription("Each shard's LSN and timeline of the point (all of them, or none).")
  private List<ShardRestorePoint> shards = new ArrayList<>();

  @JsonPropertyDescription(
      "Why it was not written on every shard; such a name is not a consistent point.")
  private String error;

  public RestorePointRecord() {}

  public RestorePointRecord(String name, String reason, String createdAt) {
    this.name = name;
    this.reason = reason;
    this.createdAt = createdAt;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getCreatedAt() {
    return createdAt;
  }

  public void setCreatedAt(String createdAt) {
    this.createdAt = createdAt;
  }

  public Long getPauseMillis() {
    return pauseMillis;
  }

  public void setPauseMillis(Long pauseMillis) {
    this.pauseMillis = pauseMillis;
  }

  public List<ShardRestorePoint> getShards() {
    return shards;
  }

  public void setShards(List<ShardRestorePoint> shards) {
    this.shards = shards;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }
}
