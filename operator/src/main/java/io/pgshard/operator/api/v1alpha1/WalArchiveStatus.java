package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How far a shard's WAL archiving is behind, as the operator last read it from the primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WalArchiveStatus {

  @JsonPropertyDescription("The instance whose archiver was read: the primary.")
  private String instance;

  @JsonPropertyDescription("When (RFC 3339).")
  private String checkedAt;

  @JsonPropertyDescription("Complete WAL segments not archived yet.")
  private Long pendingSegments;

  @JsonPropertyDescription(
      "WAL written and not in the archive yet: the pending segments and the current segment so far.")
  private Long lagBytes;

  @JsonPropertyDescription("How long the oldest pending segment has waited (0 when none waits).")
  private Long lagSeconds;

  @JsonPropertyDescription("The last file archived (pg_stat_archiver).")
  private String lastArchivedWal;

  @JsonPropertyDescription("When it was archived (RFC 3339).")
  private String lastArchivedAt;

  @JsonPropertyDescription(
      "Archiving attempts that failed (pg_stat_archiver, since its last reset).")
  private Long failedCount;

  @JsonPropertyDescription(
      "The last archiving error, while no segment has been archived since: time, segment, and what Barman Cloud printed last.")
  private String lastError;

  public String getInstance() {
    return instance;
  }

  public void setInstance(String instance) {
    this.instance = instance;
  }

  public String getCheckedAt() {
    return checkedAt;
  }

  public void setCheckedAt(String checkedAt) {
    this.checkedAt = checkedAt;
  }

  public Long getPendingSegments() {
    return pendingSegments;
  }

  public void setPendingSegments(Long pendingSegments) {
    this.pendingSegments = pendingSegments;
  }

  public Long getLagBytes() {
    return lagBytes;
  }

  public void setLagBytes(Long lagBytes) {
    this.lagBytes = lagBytes;
  }

  public Long getLagSeconds() {
    return lagSeconds;
  }

  public void setLagSeconds(Long lagSeconds) {
    this.lagSeconds = lagSeconds;
  }

  public String getLastArchivedWal() {
    return lastArchivedWal;
  }

  public void setLastArchivedWal(String lastArchivedWal) {
    this.lastArchivedWal = lastArchivedWal;
  }

  public String getLastArchivedAt() {
    return lastArchivedAt;
  }

  public void setLastArchivedAt(String lastArchivedAt) {
    this.lastArchivedAt = lastArchivedAt;
  }

  public Long getFailedCount() {
    return failedCount;
  }

  public void setFailedCount(Long failedCount) {
    this.failedCount = failedCount;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }
}
