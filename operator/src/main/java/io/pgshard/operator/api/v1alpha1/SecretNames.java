package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Names of the cluster Secrets a shard uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretNames {

  @JsonPropertyDescription("Secret with the PostgreSQL superuser's username and password.")
  @Required
  private String superuser;

  @JsonPropertyDescription("Secret with the replication user's username and password.")
  @Required
  private String replication;

  @JsonPropertyDescription("Secret with the application owner's username and password.")
  @Required
  private String app;

  @JsonPropertyDescription(
      "The superuser's name as read from its Secret (allowed on PgBouncer's admin console).")
  private String superuserName = "postgres";

  @JsonPropertyDescription(
      "The replication user's name as read from its Secret (the only user pg_hba.conf allows to replicate).")
  private String replicationUser = "streaming_replica";

  public String getSuperuser() {
    return superuser;
  }

  public void setSuperuser(String superuser) {
    this.superuser = superuser;
  }

  public String getReplication() {
    return replication;
  }

  public void setReplication(String replication) {
    this.replication = replication;
  }

  public String getApp() {
    return app;
  }

  public void setApp(String app) {
    this.app = app;
  }

  public String getSuperuserName() {
    return superuserName;
  }

  public void setSuperuserName(String superuserName) {
    this.superuserName = superuserName;
  }

  public String getReplicationUser() {
    return replicationUser;
  }

  public void setReplicationUser(String replicationUser) {
    this.replicationUser = replicationUser;
  }
}
