package io.pgshard.operator.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The ledger of applied schemas: table {@code pgshard.schema_applied} in the application database,
 * one row per source (ConfigMap/key), written in the transaction that applied it. It lives with the
 * data, so it follows failovers and restores.
 */
public final class SchemaStatements {

  private SchemaStatements() {}

  public static void ensureLedger(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS pgshard");
      st.execute(
          "CREATE TABLE IF NOT EXISTS pgshard.schema_applied (source text PRIMARY KEY,"
              + " sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    }
  }

  /** The checksum recorded for {@code source}, when it was applied. */
  public static Optional<String> applied(Connection db, String source) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT sha256 FROM pgshard.schema_applied WHERE source = ?")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  public static void record(Connection db, String source, String sha256) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("INSERT INTO pgshard.schema_applied (source, sha256) VALUES (?, ?)")) {
      ps.setString(1, source);
      ps.setString(2, sha256);
      ps.executeUpdate();
    }
  }

  /**
   * Lets {@code owner} read and add ledger rows (run as the superuser, who owns the ledger): the
   * script and its ledger row are written in the owner's own session, which has no superuser to
   * fall back to.
   */
  public static void grantLedger(Connection db, String owner) throws SQLException {
    try (Statement st = db.createStatement()) {
      String role = PartitionStatements.ident(owner);
      st.execute("GRANT USAGE ON SCHEMA pgshard TO " + role);
      st.execute("GRANT SELECT, INSERT ON pgshard.schema_applied TO " + role);
    }
  }

  /** The user the session authenticated as. */
  public static String sessionUser(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT session_user")) {
      rs.next();
      return rs.getString(1);
    }
  }

  public static void execute(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(sql);
    }
  }
}
