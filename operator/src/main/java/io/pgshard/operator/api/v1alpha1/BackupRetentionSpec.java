package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.generator.annotation.Pattern;

/**
 * Which base backups are kept: a backup goes only when it is beyond both limits (older than {@code
 * maxAge} and not among the newest {@code count}), so either limit alone never leaves fewer backups
 * than the other promises.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRetentionSpec {

  @JsonPropertyDescription("The newest N base backups are always kept.")
  @Default("7")
  @Min(1)
  @Max(1000)
  private int count = 7;

  @JsonPropertyDescription(
      "Base backups younger than this are always kept: a number of days, weeks or hours (30d, 4w, 36h). Absent: count alone.")
  @Nullable
  @Pattern("^[1-9][0-9]{0,4}[hdw]$")
  private String maxAge;

  public int getCount() {
    return count;
  }

  public void setCount(int count) {
    this.count = count;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }
}
