package io.pgshard.operator.monitor;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.sql.ReplicationQueries;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Probes one PostgreSQL instance over a pool of at most one connection, kept open between probes so
 * a healthy instance costs one query. A probe that needs a new connection gives up after 250 ms
 * (HikariCP's floor); a query on an open one, after the socket timeout ({@code timeout} + 1 s).
 */
public final class InstanceProbe implements Probe {

  private final String pod;
  private final int ordinal;
  private final HikariDataSource pool;

  public InstanceProbe(
      String pod,
      int ordinal,
      String host,
      int port,
      String user,
      String password,
      Duration timeout) {
    this.pod = pod;
    this.ordinal = ordinal;
    HikariConfig config = new HikariConfig();
    config.setPoolName("probe-" + pod);
    config.setJdbcUrl("jdbc:postgresql://" + host + ":" + port + "/postgres");
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(0);
    // Hikari's floor, whatever the probe timeout: when a connection cannot be made, getConnection
    // waits this long for its background creator. A dead instance refuses at once, yet with a 1 s
    // wait every failed probe cost a second (3 s to detect a kill -9 with failureThreshold 3).
    // An instance that is alive but slow to accept fails a probe or two, within the threshold.
    config.setConnectionTimeout(250);
    config.setValidationTimeout(Math.max(250, timeout.toMillis()));
    // do not try to connect when the pool is created: the instance may not exist yet
    config.setInitializationFailTimeout(-1);
    long seconds = Math.max(1, timeout.toSeconds());
    config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    config.addDataSourceProperty("socketTimeout", Long.toString(seconds + 1));
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.addDataSourceProperty("ApplicationName", "pgshard-operator");
    this.pool = new HikariDataSource(config);
  }

  public String pod() {
    return pod;
  }

  @Override
  public InstanceObservation probe() {
    try (Connection db = pool.getConnection()) {
      return ReplicationQueries.observe(db, pod, ordinal);
    } catch (SQLException | RuntimeException e) {
      return refused(e)
          ? InstanceObservation.refused(pod, ordinal)
          : InstanceObservation.unreachable(pod, ordinal);
    }
  }

  /**
   * A probe that ran past its deadline is abandoned: the pool's connection is dropped once the
   * blocked query returns, so the next probe connects afresh instead of queueing behind it.
   */
  @Override
  public void abandon() {
    var mx = pool.getHikariPoolMXBean();
    if (mx != null) {
      mx.softEvictConnections();
    }
  }

  /** Whether the failure, anywhere in its causes, is a refused TCP connection. */
  public static boolean refused(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          && String.valueOf(t.getMessage()).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    pool.close();
  }
}
