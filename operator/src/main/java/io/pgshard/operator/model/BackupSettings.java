package io.pgshard.operator.model;

import io.pgshard.operator.api.v1alpha1.BackupSpec;
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
    StringBuilder out =
        new StringBuilder("# Rendered by pgshard from spec.backup; read by backup.sh.\n");
    variables(backup, naming)
        .forEach((k, v) -> out.append(k).append('=').append(shellQuote(v)).append('\n'));
    return out.toString();
  }

  /** {@code 'value'}, a single quote written as {@code '\''}: nothing in it is expanded. */
  static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
