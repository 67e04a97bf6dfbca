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
      "Secret with the PgBouncer admin console's username and password (a pooler-only user, no"
          + " PostgreSQL role).")
  private String poolerAdmin;

  @JsonPropertyDescription("The superuser's name as read from its Secret.")
  private String superuserName = "postgres";

  @JsonPropertyDescription(
      "The pooler admin's name as read from its Secret (the only user of PgBouncer's admin"
          + " console).")
  private String poolerAdminName = "pooler_admin";

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

  public String getPoolerAdmin() {
    return poolerAdmin;
  }

  public void setPoolerAdmin(String poolerAdmin) {
    this.poolerAdmin = poolerAdmin;
  }

  public String getPoolerAdminName() {
    return poolerAdminName;
  }

  public void setPoolerAdminName(String poolerAdminName) {
    this.poolerAdminName = poolerAdminName;
  }

  /**
   * The Secret of the pooler admin console's user; the superuser's for a shard written before that
   * user existed (its poolers still have the superuser in their auth file until they roll).
   */
  public String poolerAdminSecret() {
    return poolerAdmin == null ? superuser : poolerAdmin;
  }

  /** The pooler admin console's user name (see {@link #poolerAdminSecret()}). */
  public String poolerAdminUser() {
    return poolerAdmin == null ? superuserName : poolerAdminName;
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
