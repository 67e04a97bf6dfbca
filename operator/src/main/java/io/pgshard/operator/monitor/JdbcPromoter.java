package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.Promoter;
import io.pgshard.operator.sql.PromotionStatements;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;

/**
 * Promotes over a connection of its own (not a probe's): pg_promote waits for the end of recovery,
 * longer than a probe's socket timeout.
 */
public final class JdbcPromoter implements Promoter {

  static final int WAIT_SECONDS = 60;

  private final Function<String, String> hostOf;
  private final int port;
  private final String user;
  private final String password;

  public JdbcPromoter(Function<String, String> hostOf, int port, String user, String password) {
    this.hostOf = hostOf;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  @Override
  public void promote(String pod) throws PromotionFailedException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", Integer.toString(WAIT_SECONDS + 30));
    props.setProperty("ApplicationName", "pgshard-operator");
    String url = "jdbc:postgresql://" + hostOf.apply(pod) + ":" + port + "/postgres";
    try (Connection db = DriverManager.getConnection(url, props)) {
      PromotionStatements.promote(db, WAIT_SECONDS);
    } catch (SQLException e) {
      throw new PromotionFailedException("promotion of " + pod + " failed: " + e.getMessage(), e);
    }
  }
}
