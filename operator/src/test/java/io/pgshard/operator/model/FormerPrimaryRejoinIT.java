package io.pgshard.operator.model;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import io.pgshard.operator.testing.OsUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * run.sh on an instance that was a primary when a standby was promoted in its place: it rewinds
 * (after crash recovery if it died) and follows the new primary, losing exactly the WAL no one else
 * had. Real PostgreSQL 15, a real divergence.
 */
class FormerPrimaryRejoinIT {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  LocalShards shards = new LocalShards();

  @AfterEach
  void stop() {
    shards.close();
  }

  @Test
  void aKilledPrimaryRecoversRewindsAndFollowsTheNewPrimary() throws Exception {
    LocalShard s = diverge(true);

    LocalPod old = s.startInstance(0, true, 1);
    s.awaitReady(old, 0);

    assertFollowsTheNewPrimary(s);
    assertThat(old.log())
        .contains("rewinding to its history if diverged")
        .contains("single-user mode")
        .contains("rewind done");
  }

  @Test
  void aCleanlyStoppedPrimaryRewindsWithoutCrashRecovery() throws Exception {
    LocalShard s = diverge(false);

    LocalPod old = s.startInstance(0, true, 1);
    s.awaitReady(old, 0);

    assertFollowsTheNewPrimary(s);
    assertThat(old.log())
        .contains("state: shut down")
        .contains("rewind done")
        .doesNotContain("single-user mode");
  }

  /**
   * pg_rewind cannot work on a data directory of another system (say, a volume left from an earlier
   * cluster of the same name): after three attempts the instance discards it and clones the
   * primary.
   */
  @Test
  void anInstanceThatCannotRewindClonesTheNewPrimaryAfterThreeAttempts() throws Exception {
    LocalShard s = diverge(false);
    Path pgdata = s.dataDirectory(0);
    String foreignSystem = replaceWithAnotherSystem(s, pgdata);

    LocalPod old = s.startInstance(0, true, 1);
    s.awaitReady(old, 0);

    assertFollowsTheNewPrimary(s);
    assertThat(old.log())
        .contains("state: shut down")
        .contains("pg_rewind failed (attempt 3 of 3)")
        .contains("discarding the diverged data directory and cloning again")
        .contains("clone done");
    String systemQuery = "SELECT system_identifier::text FROM pg_control_system()";
    try (Connection cloned = s.superuser(0, "postgres");
        Connection primary = s.superuser(1, "postgres")) {
      assertThat(single(cloned, systemQuery))
          .isEqualTo(single(primary, systemQuery))
          .isNotEqualTo(foreignSystem);
    }
  }

  /** A freshly initialized (cleanly shut down) cluster in place of {@code pgdata}; its id. */
  static String replaceWithAnotherSystem(LocalShard s, Path pgdata) throws Exception {
    run(List.of("rm", "-rf", pgdata.toString()));
    List<String> initdb =
        new ArrayList<>(OsUser.isRoot() ? OsUser.dropTo(OsUser.POSTGRES) : List.of());
    initdb.addAll(
        List.of(
            "/usr/lib/postgresql/15/bin/initdb",
            "-D",
            pgdata.toString(),
            "--data-checksums",
            "-U",
            s.superuserCredentials().get("username")));
    run(initdb);
    String control = run(List.of("/usr/lib/postgresql/15/bin/pg_controldata", pgdata.toString()));
    return control
        .lines()
        .filter(l -> l.startsWith("Database system identifier:"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElseThrow();
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", command, out).isZero();
    return out;
  }

  @Test
  void aRestartingStandbyNeverRewinds() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    s.pod(1).kill();
    LocalPod again = s.startInstance(1, true, 0);
    s.awaitReady(again, 1);
    assertThat(again.log()).doesNotContain("rewinding");
    try (Connection standby = s.superuser(1, "postgres")) {
      assertThat(single(standby, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }
  }

  /**
   * A standby that received WAL the new primary never had (rows 101-200 reached it, not the standby
   * that was promoted) diverged: when it restarts it is rewound to the new primary's history, and
   * says so in {@code pgshard.rejoin} for the operator.
   */
  @Test
  void aStandbyThatDivergedIsRewoundWhenItRestarts() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(2);
    execute(
        s,
        0,
        "CREATE TABLE items (id int PRIMARY KEY)",
        "INSERT INTO items SELECT generate_series(1, 100)");
    for (int standby : new int[] {1, 2}) {
      try (Connection db = s.superuser(standby, "app")) {
        await()
            .atMost(TIMEOUT)
            .until(() -> single(db, "SELECT count(*) FROM items"), "100"::equals);
      }
    }
    s.pod(2).close();
    execute(s, 0, "INSERT INTO items SELECT generate_series(101, 200)");
    try (Connection db = s.superuser(1, "app")) {
      await().atMost(TIMEOUT).until(() -> single(db, "SELECT count(*) FROM items"), "200"::equals);
    }
    s.pod(1).close();
    s.pod(0).kill();
    LocalPod promoted = s.startInstance(2, true, 2);
    s.awaitReady(promoted, 2);
    s.promote(2);
    execute(s, 2, "INSERT INTO items SELECT generate_series(1000, 1009)");

    LocalPod diverged = s.startInstance(1, true, 2);
    s.awaitReady(diverged, 1);

    try (Connection db = s.superuser(1, "app")) {
      assertThat(single(db, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      await().atMost(TIMEOUT).until(() -> single(db, "SELECT count(*) FROM items"), "110"::equals);
      assertThat(single(db, "SELECT count(*) FROM items WHERE id BETWEEN 101 AND 200"))
          .as("the rows only the old history had are gone")
          .isEqualTo("0");
    }
    assertThat(diverged.log()).contains("state: shut down in recovery").contains("rewind done");
    assertThat(Files.readString(s.dataDirectory(1).resolve("pgshard.rejoin")))
        .startsWith("rewound ");
  }

  @Test
  void aCleanlyStoppedStandbyThatDidNotDivergeIsLeftAsItIs() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    s.pod(1).close();
    LocalPod again = s.startInstance(1, true, 0);
    s.awaitReady(again, 1);
    assertThat(again.log()).contains("no rewind required").doesNotContain("rewind done");
    assertThat(s.dataDirectory(1).resolve("pgshard.rejoin")).doesNotExist();
  }

  /**
   * Rows 1-100 reach both; the standby stops; rows 101-200 reach only the primary, which then dies
   * ({@code kill}) or stops cleanly; the standby is promoted and writes rows 1000-1009.
   */
  LocalShard diverge(boolean kill) throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    execute(
        s,
        0,
        "CREATE TABLE items (id int PRIMARY KEY)",
        "INSERT INTO items SELECT generate_series(1, 100)");
    try (Connection standby = s.superuser(1, "app")) {
      await()
          .atMost(TIMEOUT)
          .until(() -> single(standby, "SELECT count(*) FROM items"), "100"::equals);
    }
    s.pod(1).close();
    execute(s, 0, "INSERT INTO items SELECT generate_series(101, 200)");
    if (kill) {
      s.pod(0).kill();
    } else {
      s.pod(0).close();
    }
    // the standby comes back with the rw Service pointing at itself, and is promoted there
    LocalPod promoted = s.startInstance(1, true, 1);
    s.awaitReady(promoted, 1);
    s.promote(1);
    execute(s, 1, "INSERT INTO items SELECT generate_series(1000, 1009)");
    return s;
  }

  static void assertFollowsTheNewPrimary(LocalShard s) throws Exception {
    try (Connection old = s.superuser(0, "app")) {
      assertThat(single(old, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      await().atMost(TIMEOUT).until(() -> single(old, "SELECT count(*) FROM items"), "110"::equals);
      assertThat(single(old, "SELECT count(*) FROM items WHERE id BETWEEN 101 AND 200"))
          .as("the rows only the old primary had are gone")
          .isEqualTo("0");
    }
    try (Connection primary = s.superuser(1, "postgres")) {
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  single(
                      primary,
                      "SELECT state FROM pg_stat_replication WHERE application_name = '"
                          + s.podName(0)
                          + "'"),
              "streaming"::equals);
    }
    execute(s, 1, "INSERT INTO items VALUES (2000)");
    try (Connection old = s.superuser(0, "app")) {
      await()
          .atMost(TIMEOUT)
          .until(() -> single(old, "SELECT count(*) FROM items WHERE id = 2000"), "1"::equals);
    }
  }

  static void execute(LocalShard s, int ordinal, String... statements) throws SQLException {
    try (Connection db =
            s.connect(s.ip(ordinal), "app", s.secret("minimal-app").get("password"), "app");
        Statement st = db.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }
}
