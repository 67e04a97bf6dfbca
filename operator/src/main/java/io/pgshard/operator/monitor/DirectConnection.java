package io.pgshard.operator.monitor;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;

/**
 * A connection of its own (not a probe's pooled one) to one instance, as the superuser, for the
 * rare statements that take longer than a probe's socket timeout: promotion, fencing.
 */
public final class DirectConnection {

  private final Function<String, String> hostOf;
  private final int port;
  private final String user;
  private final String password;

  /** {@code hostOf}: pod name to its address. */
  public DirectConnection(Function<String, String> hostOf, int port, String user, String password) {
    this.hostOf = hostOf;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  public Connection open(String pod, int socketTimeoutSeconds) throws SQLException {
    return open(pod, "postgres", socketTimeoutSeconds);
  }

  /** A connection to {@code database} on {@code pod}. */
  public Connection open(String pod, String database, int socketTimeoutSeconds)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    props.setProperty("ApplicationName", "pgshard-operator");
    String url = "jdbc:postgresql://" + hostOf.apply(pod) + ":" + port + "/" + database;
    return DriverManager.getConnection(url, props);
  }
}
