package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The backups to restore a new cluster from: shard i of the new cluster from shard i of {@code
 * cluster}, to a restore point, a time, or the end of the archived WAL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FromBackupSpec {

  @JsonPropertyDescription(
      "Name of the cluster whose backups are restored (its objects are under"
          + " <path>/<cluster>/<cluster>-shard-<i>/). It must have had as many shards as this one.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  private String cluster;

  @JsonPropertyDescription(
      "Where its backups are; absent: spec.backup.s3 (then spec.backup.s3.path must differ, or the"
          + " cluster name, so that this cluster never writes where the source's backups are).")
  @Nullable
  private S3StorageSpec s3;

  @JsonPropertyDescription(
      "Stop at this cross-shard restore point (status.backup.restorePoints of the source).")
  @Nullable
  @Pattern("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
  private String restorePoint;

  @JsonPropertyDescription(
      "Stop at this time (RFC 3339, e.g. 2026-12-02T14:03:00Z): the last transaction committed at"
          + " or before it is kept. Absent with restorePoint: all the archived WAL.")
  @Nullable
  @Pattern("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$")
  private String targetTime;

  public String getCluster() {
    return cluster;
  }

  public void setCluster(String cluster) {
    this.cluster = cluster;
  }

  public S3StorageSpec getS3() {
    return s3;
  }

  public void setS3(S3StorageSpec s3) {
    this.s3 = s3;
  }

  public String getRestorePoint() {
    return restorePoint;
  }

  public void setRestorePoint(String restorePoint) {
    this.restorePoint = restorePoint;
  }

  public String getTargetTime() {
    return targetTime;
  }

  public void setTargetTime(String targetTime) {
    this.targetTime = targetTime;
  }
}
