package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where one shard's copy of a cross-shard restore point is in its WAL. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardRestorePoint {

  @JsonPropertyDescription("The PostgresShard.")
  private String shard;

  @JsonPropertyDescription("The primary that wrote it.")
  private String instance;

  @JsonPropertyDescription("The restore point's LSN (pg_create_restore_point).")
  private String lsn;

  @JsonPropertyDescription("The timeline it was written on.")
  private Integer timeline;

  public ShardRestorePoint() {}

  public ShardRestorePoint(String shard, String instance, String lsn, int timeline) {
    this.shard = shard;
    this.instance = instance;
    this.lsn = lsn;
    this.timeline = timeline;
  }

  public String getShard() {
    return shard;
  }

  public void setShard(String shard) {
    this.shard = shard;
  }

  public String getInstance() {
    return instance;
  }

  public void setInstance(String instance) {
    this.instance = instance;
  }

  public String getLsn() {
    return lsn;
  }

  public void setLsn(String lsn) {
    this.lsn = lsn;
  }

  public Integer getTimeline() {
    return timeline;
  }

  public void setTimeline(Integer timeline) {
    this.timeline = timeline;
  }
}
