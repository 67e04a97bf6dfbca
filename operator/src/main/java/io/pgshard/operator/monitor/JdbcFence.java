package io.pgshard.operator.monitor;

import io.pgshard.operator.failover.Lsn;
import io.pgshard.operator.failover.PrimaryFence;
import io.pgshard.operator.failover.SwitchoverException;
import io.pgshard.operator.sql.FenceStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PrimaryFence} over JDBC: {@link FenceStatements} on the instance itself. The target's
 * replay position is polled over one connection, kept until {@link #close()}.
 */
public final class JdbcFence implements PrimaryFence, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcFence.class);
  private static final int TERMINATE_MILLIS = 5000;
  private static final int SOCKET_TIMEOUT_SECONDS = 30;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final long STOP_POLL_MILLIS = 50;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final DirectConnection connections;
  private final Map<String, Connection> standbys = new HashMap<>();

  public JdbcFence(DirectConnection connections) {
    this.connections = connections;
  }

  /**
   * A fence session ended by the server ({@code admin_shutdown}: a shutdown, or someone's
   * pg_terminate_backend) is tried once more; if the instance then refuses connections or says it
   * is shutting down, it is stopping and takes its writes with it.
   */
  @Override
  public OptionalLong fence(String pod) throws SwitchoverException {
    boolean endedByServer = false;
    while (true) {
      try (Connection db = connections.open(pod, SOCKET_TIMEOUT_SECONDS)) {
        return OptionalLong.of(Lsn.parse(FenceStatements.fence(db, TERMINATE_MILLIS)));
      } catch (SQLException e) {
        if (endedByServer && stopping(e)) {
          LOG.info("{} shut down under the fence: {}", pod, e.getMessage());
          return OptionalLong.empty();
        }
        if (!endedByServer && ADMIN_SHUTDOWN.equals(e.getSQLState())) {
          endedByServer = true;
          continue;
        }
        throw new SwitchoverException(
            "FenceFailed", "could not stop writes on " + pod + ": " + e.getMessage(), e);
      }
    }
  }

  private static final String ADMIN_SHUTDOWN = "57P01";
  private static final String CANNOT_CONNECT_NOW = "57P03";

  /** The server is shutting down, or no longer listens. */
  private static boolean stopping(SQLException e) {
    String state = e.getSQLState();
    return ADMIN_SHUTDOWN.equals(state)
        || CANNOT_CONNECT_NOW.equals(state)
        || (state != null && state.startsWith("08"));
  }

  @Override
  public void unfence(String pod) {
    try (Connection db = connections.open(pod, SOCKET_TIMEOUT_SECONDS)) {
      FenceStatements.unfence(db);
    } catch (SQLException e) {
      // its next start removes the fence; until then it refuses writes, which loses nothing
      LOG.warn("could not lift the write fence on {}: {}", pod, e.getMessage());
    }
  }

  @Override
  public boolean awaitStopped(String pod) {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection db = connections.open(pod, 1)) {
        Thread.sleep(STOP_POLL_MILLIS);
      } catch (SQLException e) {
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    LOG.warn(
        "{} still accepts connections {} s after its pod was deleted",
        pod,
        STOP_TIMEOUT.toSeconds());
    return false;
  }

  @Override
  public boolean awaitDrained(String pod) {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    String last = "not asked";
    while (System.nanoTime() < deadline) {
      try {
        if (FenceStatements.drained(standby(pod))) {
          return true;
        }
        last = "still streaming or replaying";
      } catch (SQLException e) {
        close();
        last = e.getMessage();
      }
      try {
        Thread.sleep(STOP_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    LOG.warn(
        "{} did not replay all the WAL of the stopped primary within {} s ({}): promoting it all"
            + " the same (the old primary is fenced); a standby left ahead of it rejoins with a"
            + " rewind",
        pod,
        DRAIN_TIMEOUT.toSeconds(),
        last);
    return false;
  }

  @Override
  public long replayLsn(String pod) throws SwitchoverException {
    try {
      String lsn = FenceStatements.replayLsn(standby(pod));
      if (lsn == null) {
        throw new SwitchoverException("TargetNotStreaming", pod + " is no longer a standby");
      }
      return Lsn.parse(lsn);
    } catch (SQLException e) {
      close();
      throw new SwitchoverException(
          "TargetUnreachable", "could not read the replay position of " + pod, e);
    }
  }

  private Connection standby(String pod) throws SQLException {
    Connection db = standbys.get(pod);
    if (db == null) {
      db = connections.open(pod, SOCKET_TIMEOUT_SECONDS);
      standbys.put(pod, db);
    }
    return db;
  }

  @Override
  public void close() {
    for (Connection db : standbys.values()) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
    standbys.clear();
  }
}
