package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster Secrets pgshard generates when a user has not created them: superuser, replication,
 * application owner and the poolers' admin console user, each {@code kubernetes.io/basic-auth} with
 * a random password.
 */
public final class ClusterSecretModel {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String SUPERUSER_NAME = "postgres";
  public static final String REPLICATION_USER_NAME = "streaming_replica";

  /**
   * PgBouncer's admin console user: it exists only in the poolers' auth file (it is no PostgreSQL
   * role), so the console never needs the superuser's password.
   */
  public static final String POOLER_ADMIN_NAME = "pooler_admin";

  public static final int PASSWORD_LENGTH = 32;

  /** Letters and digits only: safe in URIs, pgpass files and shell without escaping. */
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** Which of the Secrets. */
  public enum Kind {
    SUPERUSER,
    REPLICATION,
    APP,
    POOLER_ADMIN
  }

  private ClusterSecretModel() {}

  public static String name(ShardedCluster cluster, Kind kind) {
    String c = cluster.getMetadata().getName();
    return switch (kind) {
      case SUPERUSER -> ResourceNames.superuserSecret(c);
      case REPLICATION -> ResourceNames.replicationSecret(c);
      case APP -> ResourceNames.appSecret(c);
      case POOLER_ADMIN -> ResourceNames.poolerAdminSecret(c);
    };
  }

  public static String username(ShardedCluster cluster, Kind kind) {
    return switch (kind) {
      case SUPERUSER -> SUPERUSER_NAME;
      case REPLICATION -> REPLICATION_USER_NAME;
      case APP -> cluster.getSpec().getDatabase().getOwner();
      case POOLER_ADMIN -> POOLER_ADMIN_NAME;
    };
  }

  public static Secret generated(ShardedCluster cluster, Kind kind, SecureRandom random) {
    Map<String, String> data = new TreeMap<>();
    data.put(USERNAME, username(cluster, kind));
    data.put(PASSWORD, randomPassword(random));
    if (kind == Kind.APP) {
      data.put("dbname", cluster.getSpec().getDatabase().getName());
    }
    String clusterName = cluster.getMetadata().getName();
    return new SecretBuilder()
        .withMetadata(
            Owned.meta(
                cluster,
                name(cluster, kind),
                Labels.forCluster(clusterName, Labels.Component.CLUSTER)))
        .withType("kubernetes.io/basic-auth")
        .withStringData(data)
        .build();
  }

  /** {@value #PASSWORD_LENGTH} random letters and digits (about 190 bits). */
  public static String randomPassword(SecureRandom random) {
    StringBuilder password = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }
}
