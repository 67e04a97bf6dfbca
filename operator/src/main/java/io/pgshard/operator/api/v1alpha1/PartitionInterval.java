package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Width of one partition. */
public enum PartitionInterval {
  @JsonProperty("daily")
  DAILY,
  @JsonProperty("weekly")
  WEEKLY,
  @JsonProperty("monthly")
  MONTHLY,
  @JsonProperty("yearly")
  YEARLY;

  /** The value as written in a manifest. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
