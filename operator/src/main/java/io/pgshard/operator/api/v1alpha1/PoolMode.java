package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** PgBouncer pool mode. */
public enum PoolMode {
  @JsonProperty("session")
  SESSION,
  @JsonProperty("transaction")
  TRANSACTION,
  @JsonProperty("statement")
  STATEMENT;

  /** The value as written in a manifest. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
