package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * What every shard of a cluster looks like: the part of the spec a ShardedCluster hands down to
 * each PostgresShard.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardTemplateSpec {

  @JsonPropertyDescription("Streaming standbys per shard (instances = replicas + 1).")
  @Default("1")
  @Min(0)
  @Max(8)
  private int replicas = 1;

  @JsonPropertyDescription("PostgreSQL image, parameters, resources and storage.")
  private PostgresSpec postgres = new PostgresSpec();

  @JsonPropertyDescription("The application database and its owner.")
  private DatabaseSpec database = new DatabaseSpec();

  @JsonPropertyDescription("SQL applied once per shard after initialization.")
  @Nullable
  private SchemaSpec schema;

  @JsonPropertyDescription("Replication mode and failover lag limit.")
  private ReplicationSpec replication = new ReplicationSpec();

  @JsonPropertyDescription("Automatic failover settings.")
  private FailoverSpec failover = new FailoverSpec();

  @JsonPropertyDescription("PgBouncer pooler settings.")
  private PoolerSpec pooler = new PoolerSpec();

  @JsonPropertyDescription("Range-partitioned tables maintained on every shard.")
  private List<PartitionSpec> partitions = new ArrayList<>();

  @JsonPropertyDescription(
      "WAL archiving and scheduled base backups to S3-compatible storage. Absent: no backups.")
  @Nullable
  private BackupSpec backup;

  @JsonPropertyDescription(
      "How new shards get their first data: restored from another cluster's backups, or empty."
          + " Read only until a shard first has a primary; later edits change nothing.")
  @Nullable
  private BootstrapSpec bootstrap;

  @JsonPropertyDescription("PodDisruptionBudget settings.")
  private DisruptionBudgetSpec podDisruptionBudget = new DisruptionBudgetSpec();

  @JsonPropertyDescription(
      "Rolling restarts that bring changes needing a restart to the running instances.")
  private RolloutSpec rollout = new RolloutSpec();

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  public PostgresSpec getPostgres() {
    return postgres;
  }

  public void setPostgres(PostgresSpec postgres) {
    this.postgres = postgres;
  }

  public DatabaseSpec getDatabase() {
    return database;
  }

  public void setDatabase(DatabaseSpec database) {
    this.database = database;
  }

  public SchemaSpec getSchema() {
    return schema;
  }

  public void setSchema(SchemaSpec schema) {
    this.schema = schema;
  }

  public ReplicationSpec getReplication() {
    return replication;
  }

  public void setReplication(ReplicationSpec replication) {
    this.replication = replication;
  }

  public FailoverSpec getFailover() {
    return failover;
  }

  public void setFailover(FailoverSpec failover) {
    this.failover = failover;
  }

  public PoolerSpec getPooler() {
    return pooler;
  }

  public void setPooler(PoolerSpec pooler) {
    this.pooler = pooler;
  }

  public List<PartitionSpec> getPartitions() {
    return partitions;
  }

  public void setPartitions(List<PartitionSpec> partitions) {
    this.partitions = partitions;
  }

  public BackupSpec getBackup() {
    return backup;
  }

  public void setBackup(BackupSpec backup) {
    this.backup = backup;
  }

  public DisruptionBudgetSpec getPodDisruptionBudget() {
    return podDisruptionBudget;
  }

  public void setPodDisruptionBudget(DisruptionBudgetSpec podDisruptionBudget) {
    this.podDisruptionBudget = podDisruptionBudget;
  }

  public RolloutSpec getRollout() {
    return rollout;
  }

  public void setRollout(RolloutSpec rollout) {
    this.rollout = rollout;
  }

  public BootstrapSpec getBootstrap() {
    return bootstrap;
  }

  public void setBootstrap(BootstrapSpec bootstrap) {
    this.bootstrap = bootstrap;
  }
}
