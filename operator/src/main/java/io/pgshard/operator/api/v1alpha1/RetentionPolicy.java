package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a partition past retention. */
public enum RetentionPolicy {
  @JsonProperty("detach")
  DETACH,
  @JsonProperty("drop")
  DROP;

  /** The value as written in a manifest. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
