package io.pgshard.e2e.chaos;

import io.pgshard.operator.testing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application of the chaos runner: a few threads writing continuously through the pooler, each
 * row with a client-side id, each id recorded once its commit was acknowledged. As an application
 * with a 2 s socket timeout would, a thread whose statement hangs (a frozen primary) gives up,
 * reconnects and goes on; the other threads keep writing meanwhile.
 */
final class ChaosClient implements AutoCloseable {

  static final int THREADS = 4;

  /** One acknowledged write: its id, when its INSERT started and when its commit came back. */
  record Ack(long id, long startedNanos, long ackedNanos) {}

  private final String host;
  private final String user;
  private final String password;
  private final AtomicLong ids = new AtomicLong();
  private final List<Ack> acks = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  ChaosClient(String host, String user, String password) throws SQLException {
    this.host = host;
    this.user = user;
    this.password = password;
    try (Connection db = connect();
        var st = db.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS chaos_acks (id bigint PRIMARY KEY)");
    }
    for (int i = 0; i < THREADS; i++) {
      Thread t = new Thread(this::run, "chaos-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private Connection connect() throws SQLException {
    return Jdbc.connect(host, 5432, user, password, "app", 2, 2);
  }

  private void run() {
    Connection db = null;
    while (!stopped) {
      long id = ids.incrementAndGet();
      long started = System.nanoTime();
      try {
        if (db == null) {
          db = connect();
        }
        try (PreparedStatement insert =
            db.prepareStatement("INSERT INTO chaos_acks (id) VALUES (?)")) {
          insert.setLong(1, id);
          insert.executeUpdate();
        }
        acks.add(new Ack(id, started, System.nanoTime()));
        Thread.sleep(5);
      } catch (SQLException e) {
        errors.add(e.getMessage());
        close(db);
        db = null;
        sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    close(db);
  }

  /** Every error a client thread saw (connect, statement or commit). */
  List<String> errors() {
    return List.copyOf(errors);
  }

  List<Long> acknowledged() {
    return acks.stream().map(Ack::id).toList();
  }

  int acknowledgedCount() {
    return acks.size();
  }

  /** When the first write that started after {@code nanos} was acknowledged. */
  OptionalLong firstAckStartedAfter(long nanos) {
    return acks.stream().filter(a -> a.startedNanos() > nanos).mapToLong(Ack::ackedNanos).min();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Connection db) {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException ignored) {
        // broken already
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    for (Thread t : threads) {
      t.join(10_000);
    }
  }
}
