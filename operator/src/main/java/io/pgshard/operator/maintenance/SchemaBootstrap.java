package io.pgshard.operator.maintenance;

import io.pgshard.operator.sql.SchemaStatements;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Applies a shard's schema once: every statement of the script in one transaction, as the database
 * owner, and a row in the ledger ({@link SchemaStatements}) in the same transaction. A script
 * already on record is not applied again, changed or not (a schema is a starting point; later
 * changes are the application's migrations). A failed script changes nothing and says which
 * statement failed.
 */
public final class SchemaBootstrap {

  /** What happened. */
  public record Outcome(State state, String message) {}

  public enum State {
    APPLIED,
    ALREADY_APPLIED,
    FAILED
  }

  private SchemaBootstrap() {}

  /**
   * Creates the ledger and lets {@code owner} use it. {@code superuser}: a connection of the
   * superuser to the application database.
   */
  public static void prepare(Connection superuser, String owner) throws SQLException {
    superuser.setAutoCommit(true);
    SchemaStatements.ensureLedger(superuser);
    SchemaStatements.grantLedger(superuser, owner);
  }

  /**
   * Applies {@code script} in a session authenticated as the database owner ({@code db}): what it
   * creates is the owner's, and it can do nothing the owner may not (no {@code RESET ROLE} back to
   * a superuser, there is none in this session). {@link #prepare} must have run.
   *
   * @param source names the script in the ledger (ConfigMap name and key)
   */
  public static Outcome apply(Connection db, String source, String script) {
    String sha = sha256(script);
    try {
      db.setAutoCommit(true);
      String owner = SchemaStatements.sessionUser(db);
      Optional<String> recorded = SchemaStatements.applied(db, source);
      if (recorded.isPresent()) {
        return new Outcome(
            State.ALREADY_APPLIED,
            recorded.get().equals(sha)
                ? source + " was applied before"
                : source + " was applied before and has changed since; it is not applied again");
      }
      List<SqlScript.Statement> statements = SqlScript.split(script);
      db.setAutoCommit(false);
      for (int i = 0; i < statements.size(); i++) {
        SqlScript.Statement statement = statements.get(i);
        try {
          SchemaStatements.execute(db, statement.sql());
        } catch (SQLException e) {
          db.rollback();
          db.setAutoCommit(true);
          return new Outcome(
              State.FAILED,
              "statement "
                  + (i + 1)
                  + " (line "
                  + statement.line()
                  + ": "
                  + statement.head()
                  + "): "
                  + e.getMessage());
        }
      }
      SchemaStatements.record(db, source, sha);
      db.commit();
      db.setAutoCommit(true);
      return new Outcome(
          State.APPLIED, source + ": " + statements.size() + " statements applied as " + owner);
    } catch (SQLException e) {
      try {
        if (!db.getAutoCommit()) {
          db.rollback();
        }
      } catch (SQLException ignored) {
        // the caller closes the connection
      }
      return new Outcome(State.FAILED, String.valueOf(e.getMessage()));
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
