package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Partition maintenance of one table on one shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitionStatus {

  @JsonPropertyDescription("Parent table.")
  private String table;

  @JsonPropertyDescription("Oldest attached partition.")
  private String oldest;

  @JsonPropertyDescription("Newest attached partition.")
  private String newest;

  @JsonPropertyDescription("When maintenance last ran (RFC 3339).")
  private String lastMaintenance;

  @JsonPropertyDescription("Attached range partitions (the DEFAULT partition not counted).")
  private Integer count;

  @JsonPropertyDescription(
      "Why the last maintenance failed (TableNotFound, NotRangePartitioned, ColumnMismatch,"
          + " LockTimeout, MaintenanceFailed); absent when it succeeded.")
  private String reason;

  @JsonPropertyDescription("Last maintenance error, if any.")
  private String error;

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getTable() {
    return table;
  }

  public void setTable(String table) {
    this.table = table;
  }

  public String getOldest() {
    return oldest;
  }

  public void setOldest(String oldest) {
    this.oldest = oldest;
  }

  public String getNewest() {
    return newest;
  }

  public void setNewest(String newest) {
    this.newest = newest;
  }

  public String getLastMaintenance() {
    return lastMaintenance;
  }

  public void setLastMaintenance(String lastMaintenance) {
    this.lastMaintenance = lastMaintenance;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }
}
