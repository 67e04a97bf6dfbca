package io.pgshard.operator.model;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The instance scripts the operator ships (run.sh, pooler.sh), executed against real PostgreSQL 15
 * and PgBouncer processes from the pod specs and ConfigMaps the operator generates. The operator's
 * promotion does not exist yet: the tests promote with {@code pg_promote()}, the call the failover
 * controller will make.
 */
class InstanceScriptsIT {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  LocalShards shards = new LocalShards();

  @AfterEach
  void stop() {
    shards.close();
  }

  LocalShard shard(Consumer<ShardedCluster> customize) {
    return shards.create(customize);
  }

  @Test
  void initializesAStandbyThatPromotesAndClonesAStandbyThatStreams() throws Exception {
    LocalShard s = shard(c -> {});
    LocalPod first = s.startInstance(0, false, 0);
    s.awaitReady(first, 0);

    try (Connection db = s.superuser(0, "postgres")) {
      assertThat(single(db, "SELECT pg_is_in_recovery()"))
          .as("every instance starts as a standby")
          .isEqualTo("t");
      assertThat(single(db, "SHOW data_checksums")).isEqualTo("on");
      assertThat(
              single(db, "SELECT rolreplication FROM pg_roles WHERE rolname = 'streaming_replica'"))
          .isEqualTo("t");
      assertThat(
              single(db, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app'"))
          .isEqualTo("app");
    }
    s.promote(0);
    try (Connection app = s.connect(s.ip(0), "app", appPassword(s), "app");
        Statement st = app.createStatement()) {
      st.execute("CREATE TABLE items (id int PRIMARY KEY)");
      st.execute("INSERT INTO items SELECT generate_series(1, 100)");
    }

    LocalPod second = s.startInstance(1, true, 0);
    s.awaitReady(second, 1);

    try (Connection primary = s.superuser(0, "postgres")) {
      await()
          .atMost(TIMEOUT)
          .until(() -> replication(primary, "state", s.podName(1)), "streaming"::equals);
    }
    try (Connection app = s.connect(s.ip(0), "app", appPassword(s), "app");
        Statement st = app.createStatement()) {
      st.execute("INSERT INTO items SELECT generate_series(101, 150)");
    }
    try (Connection standby = s.superuser(1, "app")) {
      assertThat(single(standby, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      await()
          .atMost(TIMEOUT)
          .until(() -> single(standby, "SELECT count(*) FROM items"), "150"::equals);
    }
    assertThat(second.log()).contains("cloning from").doesNotContain("initdb");
    assertThat(first.log()).contains("initdb done");
  }

  @Test
  void aRestartedInstanceComesBackAsAStandbyWithItsDataAndNeverRunsInitdbAgain() throws Exception {
    LocalShard s = shard(c -> {});
    LocalPod first = startPromotedPrimary(s);
    try (Connection app = s.connect(s.ip(0), "app", appPassword(s), "app");
        Statement st = app.createStatement()) {
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('still here')");
    }
    first.kill();

    // the state ConfigMap does not say initialized (as after a lost update); the data directory
    // alone must stop a second initdb
    LocalPod again = s.startInstance(0, false, 0);
    s.awaitReady(again, 0);

    try (Connection db = s.superuser(0, "app")) {
      assertThat(single(db, "SELECT pg_is_in_recovery()")).isEqualTo("t");
      assertThat(single(db, "SELECT v FROM kept")).isEqualTo("still here");
    }
    assertThat(again.log().split("initdb done", -1)).as("initdb runs once").hasSize(2);
  }

  @Test
  void syncModeMakesTheStandbyAQuorumSynchronousStandby() throws Exception {
    LocalShard s =
        shard(
            c -> {
              c.getSpec().getReplication().setMode(ReplicationMode.SYNC);
              c.getSpec().getReplication().setSyncReplicas(1);
            });
    LocalPod first = startPromotedPrimary(s);
    LocalPod second = s.startInstance(1, true, 0);
    s.awaitReady(second, 1);

    try (Connection primary = s.superuser(0, "postgres")) {
      assertThat(single(primary, "SHOW synchronous_standby_names"))
          .isEqualTo("ANY 1 (\"" + s.podName(0) + "\", \"" + s.podName(1) + "\")");
      await()
          .atMost(TIMEOUT)
          .until(() -> replication(primary, "sync_state", s.podName(1)), "quorum"::equals);
      try (Statement st = primary.createStatement()) {
        st.execute("SET statement_timeout = '20s'");
        st.execute("CREATE TABLE acknowledged (id int)");
        st.execute("INSERT INTO acknowledged VALUES (1)");
      }
    }
    try (Connection standby = s.superuser(1, "postgres")) {
      // a synchronous commit returned: the standby has the row flushed, replayed soon after
      await()
          .atMost(TIMEOUT)
          .until(() -> single(standby, "SELECT count(*) FROM acknowledged"), "1"::equals);
    }
  }

  @Test
  void thePoolerFromItsGeneratedSpecServesTheAppDatabaseAndTheAdminConsole() throws Exception {
    LocalShard s = shard(c -> {});
    LocalPod first = startPromotedPrimary(s);
    LocalPod pooler = s.startPooler(0);

    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (Connection app = s.connect(s.poolerIp(), "app", appPassword(s), "app")) {
                assertThat(single(app, "SELECT current_user || '@' || current_database()"))
                    .isEqualTo("app@app");
              }
            });
    // pgJDBC cannot talk to the admin console (it sends SET extra_float_digits, which the
    // console refuses), so the console is checked with psql
    // (as the pooler-only admin user: the superuser is not in the pooler's auth file)
    Map<String, String> superuser = s.poolerAdminCredentials();
    ProcessBuilder psql =
        new ProcessBuilder(
                "psql",
                "-X",
                "-At",
                "-h",
                s.poolerIp(),
                "-p",
                "5432",
                "-U",
                superuser.get("username"),
                "-d",
                "pgbouncer",
                "-c",
                "SHOW CONFIG")
            .redirectErrorStream(true);
    psql.environment().put("PGPASSWORD", superuser.get("password"));
    Process p = psql.start();
    String config = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(config).isZero();
    assertThat(config).contains("pool_mode|transaction").contains("server_login_retry|0.25");
    assertThat(pooler.isAlive()).isTrue();
  }

  /** Ordinal 0 bootstraps, starts as a standby, and is promoted as the operator will do it. */
  static LocalPod startPromotedPrimary(LocalShard s) {
    LocalPod first = s.startInstance(0, false, 0);
    s.awaitReady(first, 0);
    s.promote(0);
    return first;
  }

  /** A column of pg_stat_replication for one standby, as its primary sees it. */
  static String replication(Connection primary, String column, String standby) throws SQLException {
    return single(
        primary,
        "SELECT "
            + column
            + " FROM pg_stat_replication WHERE application_name = '"
            + standby
            + "'");
  }

  static String appPassword(LocalShard s) {
    return s.secret("minimal-app").get("password");
  }
}
