package io.pgshard.e2e.kind;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Write load through a forwarded pooler: one autocommit INSERT at a time into {@code acks}, each id
 * recorded once its commit was acknowledged; on an error it reconnects and goes on, as an
 * application would. (The operator's test {@code Writer} does the same against a host on port 5432;
 * a port-forward has its own port.)
 */
final class PoolerWriter implements AutoCloseable {

  private final PoolerForward pooler;

  /** An acknowledged commit: its id, and when its INSERT started and returned (nanoTime). */
  private record Ack(long id, long started, long returned) {}

  private final List<Ack> acks = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  private PoolerWriter(PoolerForward pooler, String name) {
    this.pooler = pooler;
    this.thread = new Thread(this::run, "writer-" + name);
    this.thread.setDaemon(true);
  }

  static PoolerWriter start(PoolerForward pooler, String name) {
    PoolerWriter writer = new PoolerWriter(pooler, name);
    writer.thread.start();
    return writer;
  }

  private void run() {
    long next = 1;
    Connection db = null;
    while (!stopped) {
      try {
        if (db == null) {
          db = pooler.connect();
          try (Statement st = db.createStatement()) {
            st.execute(
                "CREATE TABLE IF NOT EXISTS acks (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
            st.execute("SELECT coalesce(max(id), 0) FROM acks");
            try (var rs = st.getResultSet()) {
              rs.next();
              next = Math.max(next, rs.getLong(1) + 1); // a later writer on the same shard
            }
          }
        }
        long started = System.nanoTime();
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO acks (id) VALUES (?)")) {
          insert.setLong(1, next);
          insert.executeUpdate();
        }
        acks.add(new Ack(next, started, System.nanoTime()));
      } catch (SQLException e) {
        errors.add(e.getMessage());
        close(db);
        db = null;
        pause();
      }
      next++;
    }
    close(db);
  }

  List<Long> acknowledged() {
    return acks.stream().map(Ack::id).toList();
  }

  /** Every error the client saw (connect, statement or commit), in order. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  void awaitAcknowledged(long count, Duration timeout) {
    await().atMost(timeout).until(() -> acks.size() >= count);
  }

  /** The ids acknowledged for INSERTs that started after {@code nanos} (System.nanoTime). */
  List<Long> acknowledgedStartedAfter(long nanos) {
    return acks.stream().filter(a -> a.started() > nanos).map(Ack::id).toList();
  }

  /** When the first commit whose INSERT started after {@code nanos} was acknowledged, if any. */
  OptionalLong firstAcknowledgedAfter(long nanos) {
    return acks.stream().filter(a -> a.started() > nanos).mapToLong(Ack::returned).findFirst();
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Connection db) {
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
