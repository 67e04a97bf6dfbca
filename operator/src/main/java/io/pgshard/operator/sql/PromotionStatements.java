package io.pgshard.operator.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Promotion of a standby. */
public final class PromotionStatements {

  private PromotionStatements() {}

  /**
   * Promotes a standby and waits up to {@code waitSeconds} for it to accept writes; does nothing on
   * an instance that is already a primary.
   */
  public static void promote(Connection db, int waitSeconds) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return;
      }
    }
    try (PreparedStatement promote = db.prepareStatement("SELECT pg_promote(true, ?)")) {
      promote.setInt(1, waitSeconds);
      try (ResultSet rs = promote.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          throw new SQLException("pg_promote did not finish within " + waitSeconds + " s");
        }
      }
    }
  }

  /**
   * pg_rewind (run by a former primary rejoining) reads the new timeline from the control file,
   * which a checkpoint writes. Run once clients are routed to the new primary: it is not on the
   * path to the first write (and the rejoining instance asks for one itself as well).
   */
  public static void checkpoint(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("CHECKPOINT");
    }
  }
}
