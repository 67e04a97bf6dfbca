package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard's slice of its ShardedCluster's spec. Written by the operator; edits are overwritten.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresShardSpec extends ShardTemplateSpec {

  @JsonPropertyDescription("The owning ShardedCluster.")
  @Required
  private String clusterName;

  @JsonPropertyDescription("Shard number, 0-based.")
  @Min(0)
  @Max(255)
  private int index = 0;

  @JsonPropertyDescription(
      "Owned hash range [start, end) as lowercase hex; the last shard's end is 10000000000000000 (2^64).")
  private List<String> hashRange = new ArrayList<>();

  @JsonPropertyDescription("Cluster Secrets this shard uses.")
  private SecretNames secrets = new SecretNames();

  @JsonPropertyDescription(
      "The latest on-demand base backup request: the ShardedCluster's pgshard.io/backup"
          + " annotation. A value the shard has not served (status.backup.lastRequest) takes a"
          + " base backup now.")
  private String backupRequest;

  @JsonPropertyDescription(
      "The latest restart request: the ShardedCluster's pgshard.io/restart annotation. It is"
          + " part of the instances' pod template, so a new value rolls every instance.")
  private String restartRequest;

  public String getClusterName() {
    return clusterName;
  }

  public void setClusterName(String clusterName) {
    this.clusterName = clusterName;
  }

  public int getIndex() {
    return index;
  }

  public void setIndex(int index) {
    this.index = index;
  }

  public List<String> getHashRange() {
    return hashRange;
  }

  public void setHashRange(List<String> hashRange) {
    this.hashRange = hashRange;
  }

  public String getBackupRequest() {
    return backupRequest;
  }

  public void setBackupRequest(String backupRequest) {
    this.backupRequest = backupRequest;
  }

  public SecretNames getSecrets() {
    return secrets;
  }

  public void setSecrets(SecretNames secrets) {
    this.secrets = secrets;
  }

  public String getRestartRequest() {
    return restartRequest;
  }

  public void setRestartRequest(String restartRequest) {
    this.restartRequest = restartRequest;
  }
}
