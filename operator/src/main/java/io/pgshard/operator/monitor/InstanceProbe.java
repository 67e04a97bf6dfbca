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
 * a healthy instance costs one query. A probe never takes much longer than {@code timeout}: a dead
 * process refuses the connection at once, a silent host hits the connect or socket timeout.
 */
public final class InstanceProbe implements AutoCloseable {

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
    // Hikari's floor is 250 ms
    config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
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

  public InstanceObservation probe() {
    try (Connection db = pool.getConnection()) {
      return ReplicationQueries.observe(db, pod, ordinal);
    } catch (SQLException | RuntimeException e) {
      return InstanceObservation.unreachable(pod, ordinal);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
