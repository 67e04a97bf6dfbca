package io.pgshard.operator.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fencing of a primary during a planned switchover. Two settings stop writes: {@code
 * default_transaction_read_only} refuses them, and a {@code synchronous_standby_names} that names
 * no instance makes any commit that still gets through (a session that asked for a read-write
 * transaction) wait forever instead of being acknowledged. Both go to postgresql.auto.conf; the
 * instance script removes them at every start, so a fenced instance never restarts fenced.
 */
public final class FenceStatements {

  /** A standby name no instance has. */
  public static final String NO_STANDBY = "pgshard_fenced";

  private static final String[] FENCE = {
    "ALTER SYSTEM SET default_transaction_read_only = on",
    "ALTER SYSTEM SET synchronous_standby_names = '" + NO_STANDBY + "'",
  };
  private static final String[] UNFENCE = {
    "ALTER SYSTEM RESET default_transaction_read_only",
    "ALTER SYSTEM RESET synchronous_standby_names",
  };

  private FenceStatements() {}

  /**
   * Fences the primary {@code db} is connected to and ends every other client session (waiting up
   * to {@code terminateMillis} for each to go), then returns the WAL flush position as a text LSN.
   */
  public static String fence(Connection db, int terminateMillis) throws SQLException {
    try (Statement st = db.createStatement()) {
      for (String sql : FENCE) {
        st.execute(sql);
      }
      st.execute("SELECT pg_reload_conf()");
      // this session sees the new value once the postmaster has reloaded and signalled every
      // backend; sessions started from then on begin fenced
      awaitSetting(st, "default_transaction_read_only", "on");
      st.execute(
          "SELECT pg_terminate_backend(pid, "
              + terminateMillis
              + ") FROM pg_stat_activity"
              + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
      try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  public static void unfence(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      for (String sql : UNFENCE) {
        st.execute(sql);
      }
      st.execute("SELECT pg_reload_conf()");
    }
  }

  /** What a standby has replayed, as a text LSN (null if it is not in recovery). */
  public static String replayLsn(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Whether a standby has taken in all the WAL its primary sent: no WAL receiver streams and it has
   * replayed everything it received (true for an instance that is not in recovery: nothing more
   * will arrive).
   */
  public static boolean drained(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')"
                    + " AND coalesce(pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn(), true)")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static void awaitSetting(Statement st, String name, String value) throws SQLException {
    for (int i = 0; i < 500; i++) {
      try (ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
        rs.next();
        if (value.equals(rs.getString(1))) {
          return;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while waiting for " + name + " to reload", e);
      }
    }
    throw new SQLException(name + " did not become " + value + " after a reload");
  }
}
