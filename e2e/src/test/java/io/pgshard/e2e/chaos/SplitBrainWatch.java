package io.pgshard.e2e.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Polls every instance the shard has had, directly (not through a Service), every 200 ms: each
 * round tries one write on every address at once. An instance "accepts writes" when the write
 * commits and is acknowledged (a commit that waited for a synchronous standby and was cancelled is
 * only local, PostgreSQL says so with a warning, and does not count). A round in which two
 * instances acknowledged is a split-brain moment. Addresses are every one seen for the shard's
 * pods, old incarnations included: a frozen primary keeps its address after its pod was replaced.
 */
final class SplitBrainWatch implements AutoCloseable {

  private static final long ROUND_MILLIS = 200;

  private final Supplier<Map<String, String>> addresses;
  private final String user;
  private final String password;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool = Executors.newCachedThreadPool(daemon());
  private final Thread thread;
  private volatile boolean stopped;
  private volatile int moments;
  private volatile List<String> lastSplit = List.of();

  /** {@code addresses}: pod name to its current address, read every round. */
  SplitBrainWatch(Supplier<Map<String, String>> addresses, String user, String password) {
    this.addresses = addresses;
    this.user = user;
    this.password = password;
    this.thread = new Thread(this::run, "split-brain-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Split-brain moments so far. */
  int moments() {
    return moments;
  }

  /** The addresses that both acknowledged in the last split-brain moment. */
  List<String> lastSplit() {
    return lastSplit;
  }

  private void run() {
    while (!stopped) {
      long started = System.currentTimeMillis();
      try {
        addresses.get().values().stream().filter(a -> a != null).forEach(known::add);
      } catch (RuntimeException e) {
        // the API is between states; the addresses known so far are polled
      }
      List<Future<Boolean>> pending = new ArrayList<>();
      List<String> polled = List.copyOf(known);
      for (String address : polled) {
        pending.add(pool.submit(() -> acknowledges(address)));
      }
      List<String> writable = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        try {
          if (pending.get(i).get(2, TimeUnit.SECONDS)) {
            writable.add(polled.get(i));
          }
        } catch (Exception e) {
          // no answer: not writable
        }
      }
      if (writable.size() > 1) {
        moments++;
        lastSplit = writable;
      }
      long left = ROUND_MILLIS - (System.currentTimeMillis() - started);
      if (left > 0) {
        try {
          Thread.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private boolean acknowledges(String address) {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "1");
    props.setProperty("socketTimeout", "2");
    props.setProperty("ApplicationName", "chaos-split-brain-watch");
    try (Connection db =
            DriverManager.getConnection("jdbc:postgresql://" + address + ":5432/app", props);
        Statement st = db.createStatement()) {
      st.execute("SET statement_timeout = '1s'");
      st.execute("CREATE TABLE IF NOT EXISTS chaos_watch (at timestamptz)");
      st.execute("INSERT INTO chaos_watch VALUES (now())");
      for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
        if (String.valueOf(w.getMessage()).contains("synchronous replication")) {
          return false;
        }
      }
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "split-brain-poll");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(5000);
    pool.shutdownNow();
  }
}
