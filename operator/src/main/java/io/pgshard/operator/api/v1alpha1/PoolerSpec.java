package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Map;
import java.util.TreeMap;

/** The PgBouncer pooler in front of each shard's primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolerSpec {

  @JsonPropertyDescription("Run a PgBouncer Deployment per shard.")
  @Default("true")
  private boolean enabled = true;

  @JsonPropertyDescription("PgBouncer pods per shard.")
  @Default("2")
  @Min(1)
  @Max(32)
  private int instances = 2;

  @JsonPropertyDescription(
      "When a server connection returns to the pool: session, transaction or statement.")
  @Default("transaction")
  private PoolMode poolMode = PoolMode.TRANSACTION;

  @JsonPropertyDescription("Server connections per database/user pair.")
  @Default("20")
  @Min(1)
  @Max(10000)
  private int defaultPoolSize = 20;

  @JsonPropertyDescription("Client connections each PgBouncer accepts.")
  @Default("1000")
  @Min(1)
  @Max(100000)
  private int maxClientConnections = 1000;

  @JsonPropertyDescription("Container image with pgbouncer and /bin/sh on PATH.")
  @Default("ghcr.io/cloudnative-pg/pgbouncer:1.23.0")
  private String image = "ghcr.io/cloudnative-pg/pgbouncer:1.23.0";

  @JsonPropertyDescription(
      "Extra [pgbouncer] settings. Keys the operator owns (listen_addr, listen_port, auth_type, auth_file, pool_mode, ...) are refused with an InvalidSpec condition.")
  private Map<String, String> parameters = new TreeMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getInstances() {
    return instances;
  }

  public void setInstances(int instances) {
    this.instances = instances;
  }

  public PoolMode getPoolMode() {
    return poolMode;
  }

  public void setPoolMode(PoolMode poolMode) {
    this.poolMode = poolMode;
  }

  public int getDefaultPoolSize() {
    return defaultPoolSize;
  }

  public void setDefaultPoolSize(int defaultPoolSize) {
    this.defaultPoolSize = defaultPoolSize;
  }

  public int getMaxClientConnections() {
    return maxClientConnections;
  }

  public void setMaxClientConnections(int maxClientConnections) {
    this.maxClientConnections = maxClientConnections;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters;
  }
}
