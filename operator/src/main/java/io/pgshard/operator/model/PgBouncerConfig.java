package io.pgshard.operator.model;

import io.pgshard.operator.api.v1alpha1.PoolerSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * pgbouncer.ini of a shard's pooler. {@code @POD_IP@} and {@code @RUN_DIR@} are filled in by {@code
 * pooler.sh} at container start (PgBouncer does not expand environment variables).
 */
public final class PgBouncerConfig {

  public static final int PORT = 5432;

  /** [pgbouncer] keys the operator sets; a user setting one is refused (InvalidSpec). */
  public static final Set<String> OWNED_PARAMETERS =
      Set.of(
          "listen_addr",
          "listen_port",
          "unix_socket_dir",
          "auth_type",
          "auth_file",
          "auth_query",
          "auth_user",
          "admin_users",
          "stats_users",
          "pool_mode",
          "default_pool_size",
          "max_client_conn",
          "pidfile",
          "logfile",
          "%include");

  /**
   * Tuned for failover: a new primary is found within a quarter second of its routing (PgBouncer
   * takes fractional seconds; the default, 15 s, would hold clients long after a failover).
   */
  private static final Map<String, String> FAILOVER_TUNING =
      Map.of(
          "server_login_retry", "0.25",
          "server_connect_timeout", "3",
          // pgJDBC sends extra_float_digits in its startup packet
          "ignore_startup_parameters", "extra_float_digits");

  private PgBouncerConfig() {}

  public static String render(
      String shardName, String primaryHost, String adminUser, PoolerSpec pooler) {
    StringBuilder out = new StringBuilder();
    out.append(";; Rendered by pgshard for shard ").append(shardName).append(".\n");
    out.append(";; Do not edit: the operator overwrites it. Set spec.pooler.parameters.\n");
    out.append("[databases]\n");
    out.append("* = host=").append(primaryHost).append(" port=").append(PORT).append('\n');
    out.append("\n[pgbouncer]\n");
    Map<String, String> settings = new TreeMap<>(FAILOVER_TUNING);
    settings.putAll(pooler.getParameters());
    settings.put("listen_addr", "@POD_IP@");
    settings.put("listen_port", Integer.toString(PORT));
    settings.put("unix_socket_dir", "@RUN_DIR@");
    settings.put("auth_type", "scram-sha-256");
    settings.put("auth_file", "@RUN_DIR@/userlist.txt");
    settings.put("admin_users", adminUser);
    settings.put("stats_users", adminUser);
    settings.put("pool_mode", pooler.getPoolMode().wireName());
    settings.put("default_pool_size", Integer.toString(pooler.getDefaultPoolSize()));
    settings.put("max_client_conn", Integer.toString(pooler.getMaxClientConnections()));
    settings.forEach(
        (k, v) -> out.append(k).append(" = ").append(v.replace('\n', ' ')).append('\n'));
    return out.toString();
  }
}
