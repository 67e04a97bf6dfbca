package io.pgshard.operator.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A test's JDBC connection to PostgreSQL or PgBouncer: password login, bounded connect and socket
 * timeouts, and no server-side prepared statements (PgBouncer 1.18 in transaction mode has none).
 */
public final class Jdbc {

  private Jdbc() {}

  public static Connection connect(
      String host, int port, String user, String password, String database) throws SQLException {
    return connect(host, port, user, password, database, 5, 30);
  }

  public static Connection connect(
      String host,
      int port,
      String user,
      String password,
      String database,
      int connectTimeoutSeconds,
      int socketTimeoutSeconds)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
    props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    props.setProperty("prepareThreshold", "0");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/" + database, props);
  }

  /** The first column of the first row of {@code sql}, or null when it returns no row. */
  public static String single(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      return single(st, sql);
    }
  }

  /** As {@link #single(Connection, String)}, on a statement the caller keeps using. */
  public static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
