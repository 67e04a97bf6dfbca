package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import io.pgshard.operator.api.v1alpha1.ShardTemplateSpec;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.partitions.CronSchedule;
import io.pgshard.operator.partitions.PartitionPlanner;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the CRD schema cannot express (or that an API server without our schema would let
 * through). A problem becomes {@code Ready=False}, reason {@code InvalidSpec}, and a Warning event;
 * the operator then leaves everything as it was.
 */
public final class SpecValidator {

  private static final Pattern DURATION = Pattern.compile("^[1-9][0-9]*(ms|s|m)$");
  private static final Pattern PGBOUNCER_KEY = Pattern.compile("^[a-z][a-z0-9_]*$");

  private SpecValidator() {}

  /**
   * {@code existingShards}: the highest shard index that exists, plus one (0 for a new cluster).
   */
  public static List<SpecProblem> validate(ShardedCluster cluster, int existingShards) {
    List<SpecProblem> problems = new ArrayList<>();
    String name = cluster.getMetadata().getName();
    if (name.length() > ResourceNames.MAX_CLUSTER_NAME_LENGTH) {
      problems.add(
          new SpecProblem(
              "metadata.name",
              "is "
                  + name.length()
                  + " characters; at most "
                  + ResourceNames.MAX_CLUSTER_NAME_LENGTH
                  + " fit in the names of the objects each shard needs"));
    }
    int shards = cluster.getSpec().getShards();
    if (shards < 1 || shards > 256) {
      problems.add(new SpecProblem("spec.shards", "must be between 1 and 256, is " + shards));
    }
    if (shards < existingShards) {
      problems.add(
          new SpecProblem(
              "spec.shards",
              "lowering shards from "
                  + existingShards
                  + " to "
                  + shards
                  + " is refused: shards hold data and are never removed by a spec edit;"
                  + " set spec.shards back to "
                  + existingShards));
    }
    problems.addAll(validateTemplate(cluster.getSpec()));
    bootstrap(problems, cluster);
    return problems;
  }

  /**
   * A restore reads another cluster's backups and never writes there: this cluster's own archive
   * must be elsewhere (another path or another name), and one target at most.
   */
  private static void bootstrap(List<SpecProblem> problems, ShardedCluster cluster) {
    var bootstrap = cluster.getSpec().getBootstrap();
    FromBackupSpec from = bootstrap == null ? null : bootstrap.getFromBackup();
    if (from == null) {
      return;
    }
    String field = "spec.bootstrap.fromBackup";
    if (from.getCluster() == null || from.getCluster().isBlank()) {
      problems.add(new SpecProblem(field + ".cluster", "is required"));
      return;
    }
    if (from.getRestorePoint() != null && from.getTargetTime() != null) {
      problems.add(
          new SpecProblem(field, "restorePoint and targetTime are exclusive: set one of them"));
    }
    if (from.getTargetTime() != null) {
      try {
        OffsetDateTime.parse(from.getTargetTime());
      } catch (DateTimeParseException e) {
        problems.add(
            new SpecProblem(
                field + ".targetTime", "'" + from.getTargetTime() + "' is not an RFC 3339 time"));
      }
    }
    BackupSpec own = cluster.getSpec().getBackup();
    S3StorageSpec source = BackupSettings.restoreStorage(from, own);
    if (source == null) {
      problems.add(new SpecProblem(field + ".s3", "is required when spec.backup is not set"));
      return;
    }
    if (source.getCredentials() == null || source.getCredentials().getSecretName() == null) {
      problems.add(new SpecProblem(field + ".s3.credentials.secretName", "is required"));
    }
    if (own != null
        && own.getS3() != null
        && own.getS3().getBucket() != null
        && Objects.equals(own.getS3().getEndpoint(), source.getEndpoint())
        && BackupSettings.destination(own.getS3(), cluster.getMetadata().getName())
            .equals(BackupSettings.destination(source, from.getCluster()))) {
      problems.add(
          new SpecProblem(
              field,
              "this cluster would archive where it restores from ("
                  + BackupSettings.destination(source, from.getCluster())
                  + "): give spec.backup.s3.path another value, or the cluster another name, so"
                  + " that the source's backups are never written"));
    }
  }

  /** Checks of the part every shard shares (also run by the PostgresShard reconciler). */
  private static final BigDecimal MAX_LAG_ON_FAILOVER = BigDecimal.valueOf(1L << 40);

  private static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(100);
  private static final Duration MAX_PROBE_INTERVAL = Duration.ofMinutes(1);

  public static List<SpecProblem> validateTemplate(ShardTemplateSpec spec) {
    List<SpecProblem> problems = new ArrayList<>();
    if (spec.getReplicas() < 0 || spec.getReplicas() > 8) {
      problems.add(
          new SpecProblem("spec.replicas", "must be between 0 and 8, is " + spec.getReplicas()));
    }
    if (spec.getReplication().getMode() == ReplicationMode.SYNC
        && spec.getReplication().getSyncReplicas() > spec.getReplicas()) {
      problems.add(
          new SpecProblem(
              "spec.replication.syncReplicas",
              spec.getReplication().getSyncReplicas()
                  + " synchronous standbys asked for but only "
                  + spec.getReplicas()
                  + " replicas exist: every commit would block"));
    }
    if (quantity(
        problems,
        "spec.replication.maxLagOnFailover",
        spec.getReplication().getMaxLagOnFailover())) {
      BigDecimal lag =
          Quantity.getAmountInBytes(new Quantity(spec.getReplication().getMaxLagOnFailover()));
      if (lag.compareTo(MAX_LAG_ON_FAILOVER) > 0) {
        problems.add(
            new SpecProblem(
                "spec.replication.maxLagOnFailover",
                "'"
                    + spec.getReplication().getMaxLagOnFailover()
                    + "' is more than 1Ti: a failover could drop that much acknowledged data"
                    + " without asking anyone"));
      }
    }
    quantity(problems, "spec.postgres.storage.size", spec.getPostgres().getStorage().getSize());
    if (!DURATION.matcher(spec.getFailover().getProbeInterval()).matches()) {
      problems.add(
          new SpecProblem(
              "spec.failover.probeInterval",
              "'"
                  + spec.getFailover().getProbeInterval()
                  + "' is not a duration like 500ms or 1s"));
    } else {
      Duration interval = FailoverSpecs.probeInterval(spec);
      if (interval.compareTo(MIN_PROBE_INTERVAL) < 0
          || interval.compareTo(MAX_PROBE_INTERVAL) > 0) {
        problems.add(
            new SpecProblem(
                "spec.failover.probeInterval",
                "'"
                    + spec.getFailover().getProbeInterval()
                    + "' must be between 100ms and 1m: failures are detected within a few of"
                    + " them"));
      }
    }
    List<String> networks = spec.getPostgres().getAllowedNetworks();
    for (int i = 0; networks != null && i < networks.size(); i++) {
      if (!HbaConfig.isCidr(networks.get(i))) {
        problems.add(
            new SpecProblem(
                "spec.postgres.allowedNetworks[" + i + "]",
                "'" + networks.get(i) + "' is not a network like 10.0.0.0/8 or fd00::/8"));
      }
    }
    if (spec.getReplication().getMode() == ReplicationMode.SYNC) {
      String commit = spec.getPostgres().getParameters().get("synchronous_commit");
      if (commit != null && Set.of("off", "local").contains(commit.trim().toLowerCase())) {
        problems.add(
            new SpecProblem(
                "spec.postgres.parameters.synchronous_commit",
                "'"
                    + commit
                    + "' acknowledges commits no standby has: with replication.mode sync they"
                    + " could be lost in a failover (use on, remote_write or remote_apply, or"
                    + " replication.mode async)"));
      }
    }
    spec.getPostgres()
        .getParameters()
        .keySet()
        .forEach(
            key -> {
              String field = "spec.postgres.parameters." + key;
              if (PostgresConfig.OWNED_PARAMETERS.contains(key)) {
                problems.add(
                    new SpecProblem(field, "is set by the operator and cannot be overridden"));
              } else if (!PostgresConfig.isValidParameterName(key)) {
                problems.add(new SpecProblem(field, "is not a PostgreSQL parameter name"));
              }
            });
    spec.getPooler()
        .getParameters()
        .keySet()
        .forEach(
            key -> {
              String field = "spec.pooler.parameters." + key;
              if (PgBouncerConfig.OWNED_PARAMETERS.contains(key)) {
                problems.add(
                    new SpecProblem(field, "is set by the operator and cannot be overridden"));
              } else if (!PGBOUNCER_KEY.matcher(key).matches()) {
                problems.add(new SpecProblem(field, "is not a PgBouncer setting name"));
              }
            });
    Set<String> tables = new HashSet<>();
    List<PartitionSpec> partitions = spec.getPartitions();
    for (int i = 0; i < partitions.size(); i++) {
      String table = partitions.get(i).getTable();
      if (table != null && !tables.add(table)) {
        problems.add(
            new SpecProblem(
                "spec.partitions[" + i + "].table", "'" + table + "' is listed more than once"));
      }
      if (table != null && !PartitionPlanner.nameFits(table)) {
        problems.add(
            new SpecProblem(
                "spec.partitions[" + i + "].table",
                "is too long: its partition names would pass PostgreSQL's 63-byte limit"));
      }
      try {
        CronSchedule.parse(partitions.get(i).getSchedule()).next(Instant.EPOCH);
      } catch (IllegalArgumentException e) {
        problems.add(new SpecProblem("spec.partitions[" + i + "].schedule", e.getMessage()));
      }
    }
    if (spec.getBackup() != null) {
      backup(problems, spec.getBackup());
    }
    return problems;
  }

  /** What the CRD schema cannot say about spec.backup (an API server may also run without it). */
  private static void backup(List<SpecProblem> problems, BackupSpec backup) {
    if (backup.getS3() == null
        || backup.getS3().getBucket() == null
        || backup.getS3().getBucket().isBlank()) {
      problems.add(new SpecProblem("spec.backup.s3.bucket", "is required"));
    }
    if (backup.getS3() != null
        && (backup.getS3().getCredentials() == null
            || backup.getS3().getCredentials().getSecretName() == null)) {
      problems.add(new SpecProblem("spec.backup.s3.credentials.secretName", "is required"));
    }
    try {
      CronSchedule.parse(backup.getSchedule()).next(Instant.EPOCH);
    } catch (IllegalArgumentException e) {
      problems.add(new SpecProblem("spec.backup.schedule", e.getMessage()));
    }
    if (backup.getRestorePointSchedule() != null) {
      try {
        CronSchedule.parse(backup.getRestorePointSchedule()).next(Instant.EPOCH);
      } catch (IllegalArgumentException e) {
        problems.add(new SpecProblem("spec.backup.restorePointSchedule", e.getMessage()));
      }
    }
    if (!List.of("gzip", "bzip2", "none").contains(backup.getCompression())) {
      problems.add(
          new SpecProblem(
              "spec.backup.compression",
              "'" + backup.getCompression() + "' is not one of gzip, bzip2, none"));
    }
  }

  /** Whether {@code value} is a quantity that is not negative (a problem is added if not). */
  private static boolean quantity(List<SpecProblem> problems, String field, String value) {
    try {
      if (Quantity.getAmountInBytes(new Quantity(value)).signum() < 0) {
        problems.add(new SpecProblem(field, "must not be negative"));
        return false;
      }
      return true;
    } catch (RuntimeException e) {
      problems.add(new SpecProblem(field, "'" + value + "' is not a quantity like 16Mi"));
      return false;
    }
  }
}
