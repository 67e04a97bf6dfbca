package io.pgshard.operator.model;

import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a shard's backups go, as {@code backup.sh} reads it: {@code backup.env} in the shard's
 * config ConfigMap, a shell file of single-quoted assignments. Barman Cloud stores a shard's
 * objects under {@code <destination>/<server>/}: {@code s3://<bucket>/<path>/<cluster>/<shard>/}.
 */
public final class BackupSettings {

  /** The ConfigMap key; absent when the shard has no backups. */
  public static final String FILE = "backup.env";

  private BackupSettings() {}

  /** {@code s3://<bucket>[/<path>]/<cluster>}: the Barman Cloud destination of a cluster. */
  public static String destination(S3StorageSpec s3, String cluster) {
    StringBuilder url = new StringBuilder("s3://").append(s3.getBucket());
    if (s3.getPath() != null && !s3.getPath().isBlank()) {
      url.append('/').append(s3.getPath());
    }
    return url.append('/').append(cluster).toString();
  }

  public static Map<String, String> variables(BackupSpec backup, ShardNaming naming) {
    S3StorageSpec s3 = backup.getS3();
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("PGSHARD_BACKUP_DESTINATION", destination(s3, naming.cluster()));
    vars.put("PGSHARD_BACKUP_SERVER", naming.shard());
    vars.put("PGSHARD_BACKUP_ENDPOINT", s3.getEndpoint() == null ? "" : s3.getEndpoint());
    vars.put("PGSHARD_BACKUP_COMPRESSION", backup.getCompression());
    if (s3.getRegion() != null) {
      vars.put("AWS_DEFAULT_REGION", s3.getRegion());
    }
    return vars;
  }

  public static String render(BackupSpec backup, ShardNaming naming) {
    return render("spec.backup", variables(backup, naming));
  }

  /** The ConfigMap key of a restore's settings; absent when the shard does not restore. */
  public static final String RESTORE_FILE = "restore.env";

  /**
   * Where shard {@code index} of a cluster restored from {@code from} reads: the same shard of the
   * source. The last shard also names the source's next shard, which must not exist (a source with
   * more shards had other hash ranges).
   */
  public static Map<String, String> restoreVariables(
      FromBackupSpec from, S3StorageSpec s3, int index, boolean last) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("PGSHARD_RESTORE_SOURCE", destination(s3, from.getCluster()));
    vars.put("PGSHARD_RESTORE_SERVER", ResourceNames.shard(from.getCluster(), index));
    vars.put(
        "PGSHARD_RESTORE_NEXT_SERVER",
        last ? ResourceNames.shard(from.getCluster(), index + 1) : "");
    vars.put("PGSHARD_RESTORE_ENDPOINT", s3.getEndpoint() == null ? "" : s3.getEndpoint());
    vars.put("PGSHARD_RESTORE_REGION", s3.getRegion() == null ? "" : s3.getRegion());
    vars.put(
        "PGSHARD_RESTORE_TARGET_NAME",
        from.getRestorePoint() == null ? "" : from.getRestorePoint());
    vars.put(
        "PGSHARD_RESTORE_TARGET_TIME",
        from.getTargetTime() == null ? "" : recoveryTime(from.getTargetTime()));
    return vars;
  }

  private static final java.time.format.DateTimeFormatter RECOVERY_TIME =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS'+00:00'");

  /**
   * An RFC 3339 time (validated before) as PostgreSQL's recovery_target_time takes it: UTC, at most
   * microseconds (PostgreSQL refuses more fractional digits, which RFC 3339 allows).
   */
  static String recoveryTime(String rfc3339) {
    return RECOVERY_TIME.format(
        java.time.OffsetDateTime.parse(rfc3339)
            .atZoneSameInstant(java.time.ZoneOffset.UTC)
            .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  /** The storage a restore reads: its own, else the cluster's backup storage. */
  public static S3StorageSpec restoreStorage(FromBackupSpec from, BackupSpec backup) {
    return from.getS3() != null ? from.getS3() : backup == null ? null : backup.getS3();
  }

  public static String renderRestore(
      FromBackupSpec from, S3StorageSpec s3, int index, boolean last) {
    return render("spec.bootstrap.fromBackup", restoreVariables(from, s3, index, last));
  }

  private static String render(String field, Map<String, String> variables) {
    StringBuilder out =
        new StringBuilder("# Rendered by pgshard from " + field + "; read by backup.sh.\n");
    variables.forEach((k, v) -> out.append(k).append('=').append(shellQuote(v)).append('\n'));
    return out.toString();
  }

  /** {@code 'value'}, a single quote written as {@code '\''}: nothing in it is expanded. */
  static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
