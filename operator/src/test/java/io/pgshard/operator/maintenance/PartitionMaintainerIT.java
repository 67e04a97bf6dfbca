package io.pgshard.operator.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.PartitionInterval;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.RetentionPolicy;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partition maintenance on a real PostgreSQL 15 primary (started from the generated pod spec, as
 * every data-plane test). Each test uses its own table.
 */
class PartitionMaintainerIT {

  static final Instant NOV_21 = Instant.parse("2026-11-21T10:00:00Z");
  static final PartitionMaintainer MAINTAINER = new PartitionMaintainer(Duration.ofMillis(300));

  static LocalShards shards;
  static LocalShard shard;

  @BeforeAll
  static void start() {
    shards = new LocalShards();
    shard = shards.withPrimaryAndStandbys(0);
  }

  @AfterAll
  static void stop() {
    shards.close();
  }

  static Connection app(LocalShard s) throws SQLException {
    return s.superuser(0, "app");
  }

  static PartitionSpec spec(String table, int premake, int retention, RetentionPolicy policy) {
    PartitionSpec spec = new PartitionSpec();
    spec.setTable(table);
    spec.setColumn("created_at");
    spec.setInterval(PartitionInterval.MONTHLY);
    spec.setPremake(premake);
    spec.setRetention(retention);
    spec.setRetentionPolicy(policy);
    return spec;
  }

  static void sql(Connection db, String... statements) throws SQLException {
    try (Statement st = db.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  static long count(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static List<String> partitions(Connection db, String parent) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = '"
                    + parent
                    + "'::regclass ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void createsTheCurrentMonthAndPremakeAheadThenASecondRunChangesNothing() throws Exception {
    try (Connection db = app(shard)) {
      sql(
          db,
          "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY, created_at timestamptz"
              + " NOT NULL, body text) PARTITION BY RANGE (created_at)");

      PartitionResult first = MAINTAINER.maintain(db, spec("public.events", 3, 0, null), NOV_21);

      assertThat(first.failed()).as(String.valueOf(first.error())).isFalse();
      assertThat(first.created())
          .containsExactly("events_p202611", "events_p202612", "events_p202701", "events_p202702");
      assertThat(partitions(db, "events")).hasSize(4);
      assertThat(first.oldest()).isEqualTo("events_p202611");
      assertThat(first.newest()).isEqualTo("events_p202702");
      // bounds are UTC whatever the session's zone: the last instant of November goes to November
      sql(db, "SET TimeZone = 'America/New_York'");
      sql(db, "INSERT INTO events (created_at) VALUES ('2026-11-30 23:59:59+00')");
      assertThat(count(db, "SELECT count(*) FROM events_p202611")).isEqualTo(1);

      PartitionResult second = MAINTAINER.maintain(db, spec("public.events", 3, 0, null), NOV_21);
      assertThat(second.changed()).isFalse();
      assertThat(second.partitions()).isEqualTo(4);
    }
  }

  @Test
  void rowsTheDefaultPartitionHoldsMoveIntoTheRangesCreatedAndNoneIsLost() throws Exception {
    try (Connection db = app(shard)) {
      sql(
          db,
          "CREATE TABLE clicks (id int GENERATED ALWAYS AS IDENTITY, created_at timestamp NOT NULL,"
              + " n int, doubled int GENERATED ALWAYS AS (n * 2) STORED) PARTITION BY RANGE"
              + " (created_at)",
          "CREATE TABLE clicks_default PARTITION OF clicks DEFAULT",
          "INSERT INTO clicks (created_at, n) SELECT '2026-11-01'::timestamp + g * interval '1"
              + " minute', g FROM generate_series(1, 100) g",
          "INSERT INTO clicks (created_at, n) SELECT '2027-01-15', g FROM generate_series(1, 50) g",
          "INSERT INTO clicks (created_at, n) SELECT '2030-01-01', g FROM generate_series(1, 30) g");
      long idSum = count(db, "SELECT sum(id) FROM clicks");

      PartitionResult result = MAINTAINER.maintain(db, spec("clicks", 3, 0, null), NOV_21);

      assertThat(result.failed()).as(String.valueOf(result.error())).isFalse();
      assertThat(result.movedRows()).isEqualTo(150);
      assertThat(count(db, "SELECT count(*) FROM clicks_p202611")).isEqualTo(100);
      assertThat(count(db, "SELECT count(*) FROM clicks_p202701")).isEqualTo(50);
      assertThat(count(db, "SELECT count(*) FROM clicks_default")).isEqualTo(30);
      assertThat(count(db, "SELECT count(*) FROM clicks")).isEqualTo(180);
      assertThat(count(db, "SELECT sum(id) FROM clicks"))
          .as("identity values kept")
          .isEqualTo(idSum);
      assertThat(count(db, "SELECT count(*) FROM clicks WHERE doubled <> n * 2")).isZero();
      assertThat(partitions(db, "clicks")).contains("clicks_default");
    }
  }

  @Test
  void partitionsPastRetentionAreDetachedAndKeptOrDropped() throws Exception {
    try (Connection db = app(shard)) {
      for (String table : List.of("kept", "dropped", "kept_with_default")) {
        sql(
            db,
            "CREATE TABLE "
                + table
                + " (created_at date NOT NULL) PARTITION BY RANGE (created_at)");
      }
      sql(db, "CREATE TABLE kept_with_default_d PARTITION OF kept_with_default DEFAULT");
      Instant june2026 = Instant.parse("2026-06-10T00:00:00Z");
      for (String table : List.of("kept", "dropped", "kept_with_default")) {
        assertThat(MAINTAINER.maintain(db, spec(table, 0, 0, null), june2026).created())
            .containsExactly(table + "_p202606");
      }

      PartitionResult kept =
          MAINTAINER.maintain(db, spec("kept", 1, 3, RetentionPolicy.DETACH), NOV_21);
      PartitionResult dropped =
          MAINTAINER.maintain(db, spec("dropped", 1, 3, RetentionPolicy.DROP), NOV_21);
      PartitionResult keptWithDefault =
          MAINTAINER.maintain(db, spec("kept_with_default", 1, 3, RetentionPolicy.DETACH), NOV_21);

      assertThat(kept.retired()).containsExactly("kept_p202606");
      assertThat(partitions(db, "kept")).containsExactly("kept_p202611", "kept_p202612");
      assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'kept_p202606'"))
          .as("detached, kept as a table")
          .isEqualTo(1);
      assertThat(dropped.retired()).containsExactly("dropped_p202606");
      assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'dropped_p202606'"))
          .isZero();
      assertThat(keptWithDefault.retired()).containsExactly("kept_with_default_p202606");
      assertThat(partitions(db, "kept_with_default"))
          .containsExactly(
              "kept_with_default_d", "kept_with_default_p202611", "kept_with_default_p202612");
      assertThat(kept.oldest()).isEqualTo("kept_p202611");
    }
  }

  @Test
  void aTableThatCannotBeMaintainedIsReportedByName() throws Exception {
    try (Connection db = app(shard)) {
      sql(
          db,
          "CREATE TABLE plain (created_at timestamptz)",
          "CREATE TABLE listed (created_at date, kind text) PARTITION BY LIST (kind)",
          "CREATE TABLE other_key (created_at date, at date) PARTITION BY RANGE (at)",
          "CREATE TABLE numbered (created_at bigint) PARTITION BY RANGE (created_at)");

      assertThat(MAINTAINER.maintain(db, spec("missing", 3, 0, null), NOV_21))
          .extracting(PartitionResult::reason, PartitionResult::error)
          .containsExactly("TableNotFound", "table missing does not exist");
      assertThat(MAINTAINER.maintain(db, spec("plain", 3, 0, null), NOV_21).reason())
          .isEqualTo("NotRangePartitioned");
      assertThat(MAINTAINER.maintain(db, spec("listed", 3, 0, null), NOV_21).reason())
          .isEqualTo("NotRangePartitioned");
      PartitionResult otherKey = MAINTAINER.maintain(db, spec("other_key", 3, 0, null), NOV_21);
      assertThat(otherKey.reason()).isEqualTo("ColumnMismatch");
      assertThat(otherKey.error()).contains("partitioned by (at), not (created_at)");
      PartitionResult numbered = MAINTAINER.maintain(db, spec("numbered", 3, 0, null), NOV_21);
      assertThat(numbered.reason()).isEqualTo("ColumnMismatch");
      assertThat(numbered.error()).contains("bigint");
    }
  }

  @Test
  void aLongTransactionHoldingTheTableMakesTheRunTimeOutAndTheNextOneSucceeds() throws Exception {
    try (Connection db = app(shard);
        Connection reader = app(shard)) {
      sql(db, "CREATE TABLE busy (created_at timestamptz) PARTITION BY RANGE (created_at)");
      reader.setAutoCommit(false);
      sql(reader, "SELECT count(*) FROM busy");

      PartitionResult blocked = MAINTAINER.maintain(db, spec("busy", 3, 0, null), NOV_21);

      assertThat(blocked.reason()).isEqualTo("LockTimeout");
      assertThat(blocked.error()).contains("300 ms").contains("next run retries");
      assertThat(partitions(db, "busy")).isEmpty();

      reader.commit();
      PartitionResult next = MAINTAINER.maintain(db, spec("busy", 3, 0, null), NOV_21);
      assertThat(next.failed()).isFalse();
      assertThat(partitions(db, "busy")).hasSize(4);
    }
  }

  @Test
  void theSameSpecOnFourShardsInParallel() throws Exception {
    List<LocalShard> four = new ArrayList<>(List.of(shard));
    for (int i = 0; i < 3; i++) {
      four.add(shards.withPrimaryAndStandbys(0));
    }
    for (LocalShard s : four) {
      try (Connection db = app(s)) {
        sql(db, "CREATE TABLE orders (created_at timestamptz) PARTITION BY RANGE (created_at)");
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PartitionResult>> runs = new ArrayList<>();
      for (LocalShard s : four) {
        runs.add(
            pool.submit(
                () -> {
                  try (Connection db = app(s)) {
                    return MAINTAINER.maintain(db, spec("orders", 23, 0, null), NOV_21);
                  }
                }));
      }
      for (Future<PartitionResult> run : runs) {
        assertThat(run.get().created()).hasSize(24);
      }
    } finally {
      pool.shutdownNow();
    }
    for (LocalShard s : four) {
      try (Connection db = app(s)) {
        assertThat(partitions(db, "orders"))
            .hasSize(24)
            .contains("orders_p202611", "orders_p202810");
      }
    }
  }
}
