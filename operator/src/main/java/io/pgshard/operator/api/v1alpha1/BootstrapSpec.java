package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;

/** How a new shard gets its first data. Used only while a shard has never had a primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BootstrapSpec {

  @JsonPropertyDescription(
      "Restore every shard from the backups of another cluster (read only: the source is never"
          + " written). Absent: an empty database (initdb).")
  @Nullable
  private FromBackupSpec fromBackup;

  public FromBackupSpec getFromBackup() {
    return fromBackup;
  }

  public void setFromBackup(FromBackupSpec fromBackup) {
    this.fromBackup = fromBackup;
  }
}
