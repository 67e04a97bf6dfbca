package io.pgshard.operator.testing;

import static org.awaitility.Awaitility.await;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A steady writer through a shard's pooler: one autocommit INSERT at a time, each id recorded only
 * once its commit was acknowledged. A failed or in-doubt commit is not counted; the writer
 * reconnects and goes on, as an application would.
 */
public final class Writer implements AutoCloseable {

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String database;
  private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
  private final List<long[]> timings = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  private Writer(String host, int port, String user, String password, String database) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.database = database;
    this.thread = new Thread(this::run, "writer-" + host);
    this.thread.setDaemon(true);
  }

  public static Writer start(String poolerHost, String appPassword) {
    return start(poolerHost, 5432, "app", appPassword, "app");
  }

  /** A writer as {@code user} into {@code database} through the pooler at {@code poolerHost}. */
  public static Writer start(String poolerHost, String user, String password, String database) {
    return start(poolerHost, 5432, user, password, database);
  }

  /** As {@link #start(String, String, String, String)}, on {@code port} (a port-forward's). */
  public static Writer start(
      String poolerHost, int port, String user, String password, String database) {
    Writer writer = new Writer(poolerHost, port, user, password, database);
    writer.thread.start();
    return writer;
  }

  private void run() {
    long next = 1;
    Connection db = null;
    while (!stopped) {
      try {
        if (db == null) {
          db = connect();
          try (var st = db.createStatement()) {
            st.execute(
                "CREATE TABLE IF NOT EXISTS acks (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
            // after an earlier writer on the same database, go on from its last id
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM acks")) {
              rs.next();
              next = Math.max(next, rs.getLong(1) + 1);
            }
          }
        }
        long started = System.nanoTime();
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO acks (id) VALUES (?)")) {
          insert.setLong(1, next);
          insert.executeUpdate();
        }
        timings.add(new long[] {started, System.nanoTime()});
        acknowledged.add(next);
      } catch (SQLException e) {
        errors.add(e.getMessage());
        closeQuietly(db);
        db = null;
        pause();
      }
      next++;
    }
    closeQuietly(db);
  }

  private Connection connect() throws SQLException {
    // short timeouts: a writer notices a dead primary fast and reconnects
    return Jdbc.connect(host, port, user, password, database, 2, 10);
  }

  /** Every error a client saw (connect, statement or commit), in order. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  public List<Long> acknowledged() {
    return List.copyOf(acknowledged);
  }

  /**
   * Start and end (System.nanoTime) of every acknowledged INSERT, in order: what the client waited
   * for each.
   */
  public List<long[]> timings() {
    return List.copyOf(timings);
  }

  /**
   * When the first commit was acknowledged whose INSERT started after {@code nanos}
   * (System.nanoTime), if any: a commit in flight before that moment does not count.
   */
  public java.util.OptionalLong firstAcknowledgedStartedAfter(long nanos) {
    return timings.stream().filter(t -> t[0] > nanos).mapToLong(t -> t[1]).findFirst();
  }

  /** The ids acknowledged for INSERTs that started after {@code nanos} (System.nanoTime). */
  public List<Long> acknowledgedStartedAfter(long nanos) {
    List<Long> ids = new ArrayList<>();
    List<Long> acked = List.copyOf(acknowledged);
    List<long[]> times = List.copyOf(timings);
    for (int i = 0; i < Math.min(acked.size(), times.size()); i++) {
      if (times.get(i)[0] > nanos) {
        ids.add(acked.get(i));
      }
    }
    return ids;
  }

  public void awaitAcknowledged(long count, Duration timeout) {
    await().atMost(timeout).until(() -> acknowledged.size() >= count);
  }

  /** The acknowledged ids that a database does not have. */
  public static List<Long> missing(Connection db, List<Long> ids) throws SQLException {
    Array array = db.createArrayOf("bigint", ids.toArray());
    List<Long> missing = new ArrayList<>();
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT x FROM unnest(?::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM acks WHERE id = x)")) {
      st.setArray(1, array);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          missing.add(rs.getLong(1));
        }
      }
    }
    return missing;
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Connection db) {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // it is already broken
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
