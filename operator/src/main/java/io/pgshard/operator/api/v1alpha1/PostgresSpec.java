package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;
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

  @JsonPropertyDescription(
      "Networks (CIDR) that may connect to PostgreSQL over TCP, with scram-sha-256: clients,"
          + " poolers, standbys and the operator. Empty: the private ranges (10.0.0.0/8,"
          + " 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7) and loopback, which hold"
          + " the pod networks of common clusters. Anything else is rejected by pg_hba.conf.")
  private List<String> allowedNetworks = new ArrayList<>();

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

  public List<String> getAllowedNetworks() {
    return allowedNetworks;
  }

  public void setAllowedNetworks(List<String> allowedNetworks) {
    this.allowedNetworks = allowedNetworks;
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
