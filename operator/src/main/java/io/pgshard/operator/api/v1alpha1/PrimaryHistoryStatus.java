package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the failover guards know of the last primary, kept here so that an operator that restarts
 * (or a new leader) enforces them as the old one did.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrimaryHistoryStatus {

  @JsonPropertyDescription(
      "The last WAL position seen on the primary (written at most every 30 s while it moves): the"
          + " reference for maxLagOnFailover.")
  private String lsn;

  @JsonPropertyDescription(
      "The timeline the primary wrote on: only standbys on it may be promoted.")
  private Long timeline;

  @JsonPropertyDescription(
      "The shard's PostgreSQL system identifier: instances of another cluster are never"
          + " promoted.")
  private String systemIdentifier;

  public String getLsn() {
    return lsn;
  }

  public void setLsn(String lsn) {
    this.lsn = lsn;
  }

  public Long getTimeline() {
    return timeline;
  }

  public void setTimeline(Long timeline) {
    this.timeline = timeline;
  }

  public String getSystemIdentifier() {
    return systemIdentifier;
  }

  public void setSystemIdentifier(String systemIdentifier) {
    this.systemIdentifier = systemIdentifier;
  }
}
