package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One base backup of a shard: running, the last one completed, or the last one that failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BaseBackupRecord {

  @JsonPropertyDescription("The backup's name in the object store (Barman Cloud's backup name).")
  private String name;

  @JsonPropertyDescription(
      "The instance it was taken from (a streaming standby when one is ready).")
  private String instance;

  @JsonPropertyDescription(
      "Why it was taken: the first backup, the schedule, a request (pgshard.io/backup) or a retry.")
  private String reason;

  @JsonPropertyDescription("When it started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When it completed or failed (RFC 3339).")
  private String finishedAt;

  @JsonPropertyDescription("Why it failed: the last line Barman Cloud printed, or what went wrong.")
  private String error;

  public BaseBackupRecord() {}

  public BaseBackupRecord(String name, String instance, String reason, String startedAt) {
    this.name = name;
    this.instance = instance;
    this.reason = reason;
    this.startedAt = startedAt;
  }

  /** This backup, finished at {@code at} ({@code error} null when it completed). */
  public BaseBackupRecord finished(String at, String error) {
    BaseBackupRecord done = new BaseBackupRecord(name, instance, reason, startedAt);
    done.setFinishedAt(at);
    done.setError(error);
    return done;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getInstance() {
    return instance;
  }

  public void setInstance(String instance) {
    this.instance = instance;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }
}
