package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Continuous WAL archiving and scheduled base backups of every shard to S3-compatible object
 * storage, with Barman Cloud. Objects of shard {@code <shard>} go under {@code
 * s3://<bucket>/<path>/<cluster>/<shard>/}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupSpec {

  @JsonPropertyDescription("Where backups and archived WAL go: an S3-compatible bucket.")
  @Required
  private S3StorageSpec s3;

  @JsonPropertyDescription(
      "Cron schedule (5 fields, UTC) of base backups; each is taken from a healthy standby when there is one.")
  @Default("0 0 * * *")
  @Pattern("^\\S+( \\S+){4}$")
  private String schedule = "0 0 * * *";

  @JsonPropertyDescription(
      "Cron schedule (5 fields, UTC) of cross-shard restore points: every shard's poolers pause,"
          + " each primary writes the same named restore point, the poolers resume. None when"
          + " unset; one can also be asked for with the annotation pgshard.io/restore-point.")
  @Pattern("^\\S+( \\S+){4}$")
  private String restorePointSchedule;

  @JsonPropertyDescription("Which base backups (and the WAL they need) are kept.")
  private BackupRetentionSpec retention = new BackupRetentionSpec();

  @JsonPropertyDescription("Compression of base backups and archived WAL: gzip, bzip2 or none.")
  @Default("gzip")
  @Pattern("^(gzip|bzip2|none)$")
  private String compression = "gzip";

  public S3StorageSpec getS3() {
    return s3;
  }

  public void setS3(S3StorageSpec s3) {
    this.s3 = s3;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public BackupRetentionSpec getRetention() {
    return retention;
  }

  public void setRetention(BackupRetentionSpec retention) {
    this.retention = retention;
  }

  public String getCompression() {
    return compression;
  }

  public void setCompression(String compression) {
    this.compression = compression;
  }

  public String getRestorePointSchedule() {
    return restorePointSchedule;
  }

  public void setRestorePointSchedule(String restorePointSchedule) {
    this.restorePointSchedule = restorePointSchedule;
  }
}
