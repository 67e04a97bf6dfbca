package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One shard as the ShardedCluster reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardSummary {

  @JsonPropertyDescription("Shard number, 0-based.")
  private int index = 0;

  @JsonPropertyDescription("Name of the PostgresShard.")
  private String name;

  @JsonPropertyDescription(
      "Owned hash range [start, end) as lowercase hex; the last shard's end is 10000000000000000 (2^64).")
  private List<String> hashRange = new ArrayList<>();

  @JsonPropertyDescription("Pod name of the current primary.")
  private String primary;

  @JsonPropertyDescription("Instances that pass their readiness probe.")
  private int readyInstances = 0;

  @JsonPropertyDescription("Instances the shard should run.")
  private int instances = 0;

  @JsonPropertyDescription("The shard's phase.")
  private String phase;

  public int getIndex() {
    return index;
  }

  public void setIndex(int index) {
    this.index = index;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getHashRange() {
    return hashRange;
  }

  public void setHashRange(List<String> hashRange) {
    this.hashRange = hashRange;
  }

  public String getPrimary() {
    return primary;
  }

  public void setPrimary(String primary) {
    this.primary = primary;
  }

  public int getReadyInstances() {
    return readyInstances;
  }

  public void setReadyInstances(int readyInstances) {
    this.readyInstances = readyInstances;
  }

  public int getInstances() {
    return instances;
  }

  public void setInstances(int instances) {
    this.instances = instances;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }
}
