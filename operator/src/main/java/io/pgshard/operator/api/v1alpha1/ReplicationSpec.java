package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How each shard's standbys replicate from its primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicationSpec {

  @JsonPropertyDescription(
      "async: commits return before standbys confirm. sync: a commit waits until syncReplicas standbys have flushed it (synchronous_standby_names = ANY n (...)).")
  @Default("async")
  private ReplicationMode mode = ReplicationMode.ASYNC;

  @JsonPropertyDescription(
      "Standbys that must confirm each commit in sync mode; at most spec.replicas.")
  @Default("1")
  @Min(1)
  @Max(8)
  private int syncReplicas = 1;

  @JsonPropertyDescription(
      "A failover candidate further behind the old primary than this many bytes is not promoted automatically.")
  @Default("16Mi")
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  private String maxLagOnFailover = "16Mi";

  public ReplicationMode getMode() {
    return mode;
  }

  public void setMode(ReplicationMode mode) {
    this.mode = mode;
  }

  public int getSyncReplicas() {
    return syncReplicas;
  }

  public void setSyncReplicas(int syncReplicas) {
    this.syncReplicas = syncReplicas;
  }

  public String getMaxLagOnFailover() {
    return maxLagOnFailover;
  }

  public void setMaxLagOnFailover(String maxLagOnFailover) {
    this.maxLagOnFailover = maxLagOnFailover;
  }
}
