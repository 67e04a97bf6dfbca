package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Replication mode of a shard. */
public enum ReplicationMode {
  @JsonProperty("async")
  ASYNC,
  @JsonProperty("sync")
  SYNC;

  /** The value as written in a manifest. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
