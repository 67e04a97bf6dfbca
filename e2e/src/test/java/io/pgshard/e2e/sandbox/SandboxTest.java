package io.pgshard.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.Directories;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.Samples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sandbox as a user meets it: its output, parsed as tooling would, gives working pooler URLs;
 * killing the PID it names shows a failover in its output; stopping it leaves no process behind.
 */
class SandboxTest {

  private static final Pattern PID = Pattern.compile("postmaster is PID (\\d+)");

  @Test
  void printsUsableShardLinesShowsAFailoverAndCleansUp() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Path root = Directories.newRoot("pgsandbox-test");
    Sandbox sandbox = Sandbox.start(Samples.path("minimal.yaml"), root, out);
    Thread watch = new Thread(sandbox::watch, "sandbox-watch");
    watch.setDaemon(true);
    watch.start();
    List<Long> pids;
    try {
      await().atMost(Duration.ofMinutes(3)).until(() -> shardLines(bytes).size() == 2);
      List<ShardLine> lines = shardLines(bytes);
      assertThat(lines).extracting(ShardLine::index).containsExactly(0, 1);
      for (ShardLine line : lines) {
        try (Connection db = connect(line);
            Statement st = db.createStatement()) {
          st.execute("CREATE TABLE hello (shard int)");
          st.execute("INSERT INTO hello VALUES (" + line.index() + ")");
          try (ResultSet rs = st.executeQuery("SELECT shard FROM hello")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(line.index());
          }
        }
      }
      pids = pids(bytes);
      assertThat(pids).hasSize(2);
      // what a second terminal does: kill -9 the primary of shard 0 by the PID printed
      new ProcessBuilder("kill", "-9", Long.toString(pids.get(0))).start().waitFor();
      String oldPrimary = lines.get(0).primary();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  shardLines(bytes).stream()
                      .anyMatch(l -> l.index() == 0 && !l.primary().equals(oldPrimary)));
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("event Normal Promoted");
      ShardLine after =
          shardLines(bytes).stream().filter(l -> l.index() == 0).reduce((a, b) -> b).orElseThrow();
      try (Connection db = connect(after);
          Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM hello")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      pids = pids(bytes);
    } finally {
      sandbox.close();
      Directories.delete(root);
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("PID %d after the sandbox stopped", pid)
          .isFalse();
    }
    assertThat(root).doesNotExist();
  }

  private static Connection connect(ShardLine line) throws Exception {
    return Jdbc.connect(line.host(), line.port(), line.user(), line.password(), line.database());
  }

  private static List<ShardLine> shardLines(ByteArrayOutputStream bytes) {
    return bytes
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.startsWith("SHARD "))
        .map(ShardLine::parse)
        .toList();
  }

  private static List<Long> pids(ByteArrayOutputStream bytes) {
    Matcher m = PID.matcher(bytes.toString(StandardCharsets.UTF_8));
    List<Long> pids = new java.util.ArrayList<>();
    while (m.find()) {
      pids.add(Long.parseLong(m.group(1)));
    }
    return pids;
  }
}
