package io.pgshard.operator.sql;

import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the operator reads from an instance to decide about failover: one query, one round trip. */
public final class ReplicationQueries {

  /**
   * Role, positions, timeline, identity and the WAL receiver's state. A standby's timeline is the
   * one it receives on (the checkpoint's lags behind until the next restartpoint).
   */
  static final String OBSERVE =
      """
      SELECT pg_is_in_recovery(),
             coalesce(r.received_tli, c.timeline_id),
             pg_last_wal_receive_lsn()::text,
             pg_last_wal_replay_lsn()::text,
             CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
             s.system_identifier::text,
             r.status,
             r.sender_host
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
          rs.getString(6));
    }
  }

  private static Long lsn(String text) {
    return text == null ? null : Lsn.parse(text);
  }
}
