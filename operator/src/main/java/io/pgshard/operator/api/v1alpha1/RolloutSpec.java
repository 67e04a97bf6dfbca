package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How changes that need a restart reach the running instances: a new image, resources or pod
 * template, a parameter PostgreSQL applies only at start, a restart asked for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {

  @JsonPropertyDescription(
      "How many shards restart their instances at the same time. Within a shard one instance is"
          + " down at a time: standbys first, then a switchover, then the former primary.")
  @Default("1")
  @Min(1)
  @Max(256)
  private int maxShardsInParallel = 1;

  @JsonPropertyDescription(
      "Hold every rolling restart: changes are stored and status counts the instances that still"
          + " run the old revision or wait for a restart, but no instance is restarted. An"
          + " instance restarted for another reason (a failure, a drained node) starts updated.")
  @Default("false")
  private boolean paused = false;

  public int getMaxShardsInParallel() {
    return maxShardsInParallel;
  }

  public void setMaxShardsInParallel(int maxShardsInParallel) {
    this.maxShardsInParallel = maxShardsInParallel;
  }

  public boolean isPaused() {
    return paused;
  }

  public void setPaused(boolean paused) {
    this.paused = paused;
  }
}
