package io.pgshard.operator.sql;

import io.pgshard.operator.failover.DataFilesystem;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** What the operator reads from an instance to decide about failover: one query, one round trip. */
public final class ReplicationQueries {

  /**
   * Role, positions, timeline, identity and the WAL receiver's state. A primary's timeline is the
   * one of the WAL file it writes; a standby's is the one it receives on, or while it receives
   * nothing the last checkpoint's, which lags behind until the next restartpoint (the monitor keeps
   * what it saw while the standby streamed).
   *
   * <p>The last column keeps the configuration current: when the files the shard's config ConfigMap
   * mounts (pg_hba.conf and the included postgresql.conf, updated together by the kubelet) are
   * newer than the last load, the instance reloads them. That is how a scaled replica set reaches
   * {@code synchronous_standby_names}, and how edited parameters apply. File times have whole
   * seconds: a file changed in the same second as the last load counts as newer (one reload too
   * many, never one too few). After a reload, {@code pg_settings.pending_restart} names the
   * parameters that take effect only at the next start: the rollout restarts the instance for them.
   *
   * <p>{@code pgshard.df} is the {@code df} of the data directory, written by the liveness probe
   * (PostgreSQL has no function for a filesystem's size): what a grown volume gives PostgreSQL.
   */
  static final String OBSERVE =
      """
      SELECT pg_is_in_recovery(),
             CASE WHEN pg_is_in_recovery() THEN coalesce(r.received_tli, c.timeline_id)
                  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint
             END,
             pg_last_wal_receive_lsn()::text,
             pg_last_wal_replay_lsn()::text,
             CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
             s.system_identifier::text,
             r.status,
             r.sender_host,
             CASE WHEN greatest(
                         (pg_stat_file(current_setting('hba_file'), true)).modification,
                         (pg_stat_file(regexp_replace(current_setting('hba_file'),
                                                      '[^/]+$', 'postgresql.conf'),
                                       true)).modification)
                       >= date_trunc('second', pg_conf_load_time())
                  THEN pg_reload_conf() ELSE false END,
             pg_read_file('pgshard.rejoin', 0, 200, true),
             (SELECT string_agg(name, ',' ORDER BY name) FROM pg_settings WHERE pending_restart),
             pg_read_file('pgshard.df', 0, 1000, true)
        FROM pg_control_checkpoint() c,
             pg_control_system() s
        LEFT JOIN pg_stat_wal_receiver r ON true
      """;

  private ReplicationQueries() {}

  public static InstanceObservation observe(Connection db, String pod, int ordinal)
      throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(OBSERVE)) {
      if (!rs.next()) {
        throw new SQLException("no row from the replication observation");
      }
      return new InstanceObservation(
          pod,
          ordinal,
          true,
          rs.getBoolean(1),
          rs.getLong(2),
          lsn(rs.getString(3)),
          lsn(rs.getString(4)),
          lsn(rs.getString(5)),
          "streaming".equals(rs.getString(7)),
          rs.getString(8),
          rs.getString(6),
          false,
          rejoin(rs.getString(10)),
          names(rs.getString(11)),
          DataFilesystem.parseDf(rs.getString(12)).orElse(null));
    }
  }

  private static List<String> names(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isBlank()
        ? List.of()
        : List.of(commaSeparated.split(","));
  }

  private static String rejoin(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  private static Long lsn(String text) {
    return text == null ? null : Lsn.parse(text);
  }
}
