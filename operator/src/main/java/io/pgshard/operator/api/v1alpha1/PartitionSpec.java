package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A range-partitioned table whose partitions the operator keeps ahead and retires, on every shard.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitionSpec {

  @JsonPropertyDescription(
      "Parent table, optionally schema-qualified (public.events); must be PARTITION BY RANGE (column) on every shard.")
  @Required
  @Pattern("^([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*$")
  private String table;

  @JsonPropertyDescription("Partition key column: timestamp, timestamptz or date.")
  @Required
  @Pattern("^[a-z_][a-z0-9_]{0,62}$")
  private String column;

  @JsonPropertyDescription("Width of each partition.")
  @Default("monthly")
  private PartitionInterval interval = PartitionInterval.MONTHLY;

  @JsonPropertyDescription("Partitions kept ready ahead of the current one.")
  @Default("3")
  @Min(0)
  @Max(120)
  private int premake = 3;

  @JsonPropertyDescription("Intervals kept behind the current one; 0 keeps all.")
  @Default("0")
  @Min(0)
  @Max(1200)
  private int retention = 0;

  @JsonPropertyDescription(
      "What happens to a partition past retention: detach (kept as a plain table) or drop.")
  @Default("detach")
  private RetentionPolicy retentionPolicy = RetentionPolicy.DETACH;

  @JsonPropertyDescription(
      "Cron schedule (5 fields, UTC) of partition maintenance; it also runs on spec change and on a new primary.")
  @Default("0 3 * * *")
  @Pattern("^\\S+( \\S+){4}$")
  private String schedule = "0 3 * * *";

  public String getTable() {
    return table;
  }

  public void setTable(String table) {
    this.table = table;
  }

  public String getColumn() {
    return column;
  }

  public void setColumn(String column) {
    this.column = column;
  }

  public PartitionInterval getInterval() {
    return interval;
  }

  public void setInterval(PartitionInterval interval) {
    this.interval = interval;
  }

  public int getPremake() {
    return premake;
  }

  public void setPremake(int premake) {
    this.premake = premake;
  }

  public int getRetention() {
    return retention;
  }

  public void setRetention(int retention) {
    this.retention = retention;
  }

  public RetentionPolicy getRetentionPolicy() {
    return retentionPolicy;
  }

  public void setRetentionPolicy(RetentionPolicy retentionPolicy) {
    this.retentionPolicy = retentionPolicy;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }
}
