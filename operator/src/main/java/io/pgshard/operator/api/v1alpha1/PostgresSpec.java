package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;
import java.util.TreeMap;

/** PostgreSQL server settings shared by every instance of every shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresSpec {

  @JsonPropertyDescription(
      "Container image with PostgreSQL >= 13 server binaries (initdb, postgres, pg_basebackup, pg_rewind, pg_ctl, pg_isready) on PATH.")
  @Default("postgres:16")
  private String image = "postgres:16";

  @JsonPropertyDescription(
      "postgresql.conf overrides. Keys the operator owns (listen_addresses, port, wal_level, hot_standby, synchronous_standby_names, primary_conninfo, ...) are refused with an InvalidSpec condition.")
  private Map<String, String> parameters = new TreeMap<>();

  @JsonPropertyDescription("CPU and memory requests and limits of the PostgreSQL container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("The persistent volume each instance keeps its data directory on.")
  private StorageSpec storage = new StorageSpec();

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

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }
}
