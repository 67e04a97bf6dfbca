package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The cluster's cross-shard restore points (present with spec.backup). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterBackupStatus {

  @JsonPropertyDescription(
      "The slot of spec.backup.restorePointSchedule last taken (RFC 3339): the next restore point"
          + " is due at the schedule's first time after it.")
  private String lastRestorePointSlot;

  @JsonPropertyDescription(
      "The value of the annotation pgshard.io/restore-point last acted on: a name is written once.")
  private String lastRequested;

  @JsonPropertyDescription(
      "The latest restore points, newest first (the last 20, failed ones included with their"
          + " error).")
  private List<RestorePointRecord> restorePoints = new ArrayList<>();

  /** A copy to change (the records themselves are never changed). */
  public ClusterBackupStatus copy() {
    ClusterBackupStatus copy = new ClusterBackupStatus();
    copy.setLastRestorePointSlot(lastRestorePointSlot);
    copy.setLastRequested(lastRequested);
    copy.setRestorePoints(new ArrayList<>(restorePoints));
    return copy;
  }

  public String getLastRestorePointSlot() {
    return lastRestorePointSlot;
  }

  public void setLastRestorePointSlot(String lastRestorePointSlot) {
    this.lastRestorePointSlot = lastRestorePointSlot;
  }

  public List<RestorePointRecord> getRestorePoints() {
    return restorePoints;
  }

  public void setRestorePoints(List<RestorePointRecord> restorePoints) {
    this.restorePoints = restorePoints;
  }

  public String getLastRequested() {
    return lastRequested;
  }

  public void setLastRequested(String lastRequested) {
    this.lastRequested = lastRequested;
  }
}
