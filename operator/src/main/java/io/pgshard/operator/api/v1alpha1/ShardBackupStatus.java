package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A shard's base backups, as the operator took them (present with spec.backup). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardBackupStatus {

  @JsonPropertyDescription(
      "The schedule slot of the last backup started (RFC 3339): the next one is due at the"
          + " schedule's first time after it.")
  private String lastScheduledSlot;

  @JsonPropertyDescription(
      "The last on-demand request served (spec.backupRequest, from the ShardedCluster's"
          + " pgshard.io/backup annotation).")
  private String lastRequest;

  @JsonPropertyDescription(
      "Base backups that failed since the last one completed; a failed backup is tried again"
          + " after 5 minutes, doubling with each failure up to an hour, before its next slot.")
  private Integer failuresInARow;

  @JsonPropertyDescription(
      "Completed base backups in the bucket after the last retention run (spec.backup.retention).")
  private Integer completedBackups;

  @JsonPropertyDescription(
      "The earliest time this shard can be restored to (RFC 3339): the end of its oldest kept base"
          + " backup.")
  private String firstRecoverablePoint;

  @JsonPropertyDescription(
      "WAL archiving as last read from the primary (about every 30 s): what waits, since when, the"
          + " last error.")
  private WalArchiveStatus archive;

  @JsonPropertyDescription("The backup under way, if one is.")
  private BaseBackupRecord running;

  @JsonPropertyDescription("The last backup that completed: the earliest point it can restore.")
  private BaseBackupRecord lastCompleted;

  @JsonPropertyDescription("The last backup that failed, with the error.")
  private BaseBackupRecord lastFailed;

  /** A copy to change (the records themselves are never changed). */
  public ShardBackupStatus copy() {
    ShardBackupStatus copy = new ShardBackupStatus();
    copy.setLastScheduledSlot(lastScheduledSlot);
    copy.setRunning(running);
    copy.setLastCompleted(lastCompleted);
    copy.setLastFailed(lastFailed);
    copy.setCompletedBackups(completedBackups);
    copy.setFirstRecoverablePoint(firstRecoverablePoint);
    copy.setLastRequest(lastRequest);
    copy.setFailuresInARow(failuresInARow);
    copy.setArchive(archive);
    return copy;
  }

  public WalArchiveStatus getArchive() {
    return archive;
  }

  public void setArchive(WalArchiveStatus archive) {
    this.archive = archive;
  }

  public String getLastRequest() {
    return lastRequest;
  }

  public void setLastRequest(String lastRequest) {
    this.lastRequest = lastRequest;
  }

  public Integer getFailuresInARow() {
    return failuresInARow;
  }

  public void setFailuresInARow(Integer failuresInARow) {
    this.failuresInARow = failuresInARow;
  }

  public Integer getCompletedBackups() {
    return completedBackups;
  }

  public void setCompletedBackups(Integer completedBackups) {
    this.completedBackups = completedBackups;
  }

  public String getFirstRecoverablePoint() {
    return firstRecoverablePoint;
  }

  public void setFirstRecoverablePoint(String firstRecoverablePoint) {
    this.firstRecoverablePoint = firstRecoverablePoint;
  }

  public String getLastScheduledSlot() {
    return lastScheduledSlot;
  }

  public void setLastScheduledSlot(String lastScheduledSlot) {
    this.lastScheduledSlot = lastScheduledSlot;
  }

  public BaseBackupRecord getRunning() {
    return running;
  }

  public void setRunning(BaseBackupRecord running) {
    this.running = running;
  }

  public BaseBackupRecord getLastCompleted() {
    return lastCompleted;
  }

  public void setLastCompleted(BaseBackupRecord lastCompleted) {
    this.lastCompleted = lastCompleted;
  }

  public BaseBackupRecord getLastFailed() {
    return lastFailed;
  }

  public void setLastFailed(BaseBackupRecord lastFailed) {
    this.lastFailed = lastFailed;
  }
}
