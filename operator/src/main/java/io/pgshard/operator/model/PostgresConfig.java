package io.pgshard.operator.model;

import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The postgresql.conf include every instance of a shard loads (rendered into the shard's config
 * ConfigMap). Instance-specific settings (listen address, socket directory, primary_conninfo) are
 * written by {@code run.sh} at each start.
 */
public final class PostgresConfig {

  /** Parameters the operator or run.sh sets; a user setting one is refused (InvalidSpec). */
  public static final Set<String> OWNED_PARAMETERS =
      Set.of(
          "listen_addresses",
          "port",
          "unix_socket_directories",
          "data_directory",
          "config_file",
          "hba_file",
          "ident_file",
          "external_pid_file",
          "include",
          "include_dir",
          "include_if_exists",
          "primary_conninfo",
          "primary_slot_name",
          "recovery_target_timeline",
          "promote_trigger_file",
          "synchronous_standby_names",
          "hot_standby",
          "wal_level",
          "wal_log_hints",
          "full_page_writes",
          "cluster_name",
          "archive_mode",
          "archive_command",
          "archive_library",
          "restore_command",
          "archive_cleanup_command",
          "recovery_end_command",
          "recovery_target",
          "recovery_target_name",
          "recovery_target_time",
          "recovery_target_xid",
          "recovery_target_lsn",
          "recovery_target_inclusive",
          "recovery_target_action",
          "pgshard.run_dir");

  private static final Pattern PARAMETER_NAME =
      Pattern.compile("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)?$");

  /** Settings every shard gets; users may override the ones not in {@link #OWNED_PARAMETERS}. */
  private static final Map<String, String> DEFAULTS =
      Map.of(
          "max_wal_senders", "16",
          "max_replication_slots", "16",
          "wal_keep_size", "1GB",
          "hot_standby_feedback", "on",
          // standbys retry the rw Service every 200 ms, so they find a new primary quickly; in
          // synchronous mode the new primary's commits wait for that (the chaos runner showed
          // kill -9 recovery in whole seconds with 1 s: commits waited for the standby's retry)
          "wal_retrieve_retry_interval", "200ms",
          "wal_receiver_status_interval", "1s",
          "password_encryption", "scram-sha-256",
          "logging_collector", "off",
          "log_line_prefix", "%m [%p] %q%u@%d ");

  private static final Duration MIN_DETECTION = Duration.ofSeconds(2);

  private PostgresConfig() {}

  public static boolean isValidParameterName(String name) {
    return PARAMETER_NAME.matcher(name).matches();
  }

  public static String render(String shardName, PostgresShardSpec spec) {
    StringBuilder out = new StringBuilder();
    out.append("# Rendered by pgshard for shard ").append(shardName).append(".\n");
    out.append("# Do not edit: the operator overwrites it. Set spec.postgres.parameters.\n");
    out.append("cluster_name = ").append(quote(shardName)).append('\n');
    out.append("wal_level = replica\n");
    out.append("hot_standby = on\n");
    out.append("# pg_rewind needs hint bits WAL-logged and full page writes\n");
    out.append("wal_log_hints = on\n");
    out.append("full_page_writes = on\n");
    out.append("# every instance runs backup.sh archive (run.sh sets archive_command): it keeps\n");
    out.append("# nothing without spec.backup; standbys archive too, so no segment is missed\n");
    out.append("archive_mode = always\n");
    synchronousStandbyNames(shardName, spec)
        .ifPresent(
            names -> out.append("synchronous_standby_names = ").append(quote(names)).append('\n'));
    Map<String, String> merged = new TreeMap<>(DEFAULTS);
    merged.putAll(detection(spec));
    if (spec.getBackup() != null) {
      // at most this much committed WAL waits for its segment to fill before it is archived
      merged.put("archive_timeout", "5min");
    }
    merged.putAll(spec.getPostgres().getParameters());
    merged.forEach((k, v) -> out.append(k).append(" = ").append(quote(v)).append('\n'));
    return out.toString();
  }

  /**
   * How long a silent fault may last before it is declared: the operator's probe interval times its
   * failure threshold (at least 2 s). Standbys and the primary use the same bound for their
   * replication connections, so that a frozen or cut-off primary's standbys stop streaming from it
   * (the failover guard) within the time the operator gives up on it, instead of PostgreSQL's
   * defaults of 60 s.
   */
  public static Duration detectionWindow(PostgresShardSpec spec) {
    Duration window =
        FailoverSpecs.probeInterval(spec).multipliedBy(spec.getFailover().getFailureThreshold());
    return window.compareTo(MIN_DETECTION) < 0 ? MIN_DETECTION : window;
  }

  /** Timeouts derived from {@link #detectionWindow}; a user's parameters override them. */
  static Map<String, String> detection(PostgresShardSpec spec) {
    long millis = detectionWindow(spec).toMillis();
    long idle = Math.max(1, millis / 3000);
    return Map.of(
        "wal_receiver_timeout",
        millis + "ms",
        "wal_sender_timeout",
        millis + "ms",
        "tcp_keepalives_idle",
        Long.toString(idle),
        "tcp_keepalives_interval",
        "1",
        "tcp_keepalives_count",
        "3",
        "tcp_user_timeout",
        Long.toString(millis));
  }

  /**
   * libpq options of a standby's replication connection (run.sh appends them to {@code
   * primary_conninfo}): keepalives and a TCP user timeout from {@link #detectionWindow}, so a
   * primary that vanishes from the network is noticed in the same time.
   */
  public static String standbyConnectionOptions(PostgresShardSpec spec) {
    long millis = detectionWindow(spec).toMillis();
    return "connect_timeout=2 keepalives=1 keepalives_idle="
        + Math.max(1, millis / 3000)
        + " keepalives_interval=1 keepalives_count=3 tcp_user_timeout="
        + millis;
  }

  /**
   * {@code ANY n ("pod-0", ..., "pod-k")} in sync mode: every instance is listed (a primary never
   * counts itself), so the setting is the same on every instance and survives failover.
   */
  static java.util.Optional<String> synchronousStandbyNames(
      String shardName, PostgresShardSpec spec) {
    if (spec.getReplication().getMode() != ReplicationMode.SYNC || spec.getReplicas() == 0) {
      return java.util.Optional.empty();
    }
    List<String> pods =
        IntStream.rangeClosed(0, spec.getReplicas())
            .mapToObj(i -> "\"" + ResourceNames.pod(shardName, i) + "\"")
            .collect(Collectors.toList());
    return java.util.Optional.of(
        "ANY " + spec.getReplication().getSyncReplicas() + " (" + String.join(", ", pods) + ")");
  }

  /** A postgresql.conf string literal. */
  static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''").replace("\n", " ") + "'";
  }
}
