package io.pgshard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.PartitionInterval;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.maintenance.PartitionMaintainer;
import io.pgshard.operator.maintenance.PartitionResult;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Partition maintenance benchmark (not part of {@code mvn verify}; run by e2e/bench/partitions.sh):
 * 24 monthly partitions of a fresh table, made by pgshard's maintainer on 1 shard and on 8 shards
 * at once, and by pg_partman 4.7.2's {@code create_parent} on 1 shard, in the same run on the same
 * PostgreSQL 15 processes. Every run uses a new table; connections are open before the clock
 * starts, for both.
 */
class PartitionBenchmark {

  static final int PARTITIONS = 24;
  static final int SHARDS = 8;

  @Test
  void partitions() throws Exception {
    int runs = Integer.getInteger("bench.runs", 5);
    Path report = Path.of(System.getProperty("bench.report", "target/bench/partitions.txt"));
    PartitionMaintainer maintainer = new PartitionMaintainer(Duration.ofSeconds(2));
    List<Double> one = new ArrayList<>();
    List<Double> eight = new ArrayList<>();
    List<Double> partman = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(SHARDS);
    try (LocalShards shards = new LocalShards()) {
      List<LocalShard> all = new ArrayList<>();
      for (int i = 0; i < SHARDS; i++) {
        all.add(shards.withPrimaryAndStandbys(0));
      }
      List<Connection> dbs = new ArrayList<>();
      for (LocalShard s : all) {
        dbs.add(s.superuser(0, "app"));
      }
      sql(dbs.get(0), "CREATE SCHEMA partman", "CREATE EXTENSION pg_partman SCHEMA partman");
      for (int run = 1; run <= runs; run++) {
        String t1 = "one_" + run;
        sql(dbs.get(0), create(t1));
        long start = System.nanoTime();
        PartitionResult r = maintainer.maintain(dbs.get(0), spec(t1), Instant.now());
        one.add(ms(start));
        assertThat(r.created()).as(String.valueOf(r.error())).hasSize(PARTITIONS);

        String t8 = "eight_" + run;
        for (Connection db : dbs) {
          sql(db, create(t8));
        }
        List<Callable<PartitionResult>> jobs = new ArrayList<>();
        for (Connection db : dbs) {
          jobs.add(() -> maintainer.maintain(db, spec(t8), Instant.now()));
        }
        start = System.nanoTime();
        List<Future<PartitionResult>> done = pool.invokeAll(jobs);
        eight.add(ms(start));
        for (Future<PartitionResult> f : done) {
          assertThat(f.get().created()).hasSize(PARTITIONS);
        }

        String tp = "partman_" + run;
        sql(dbs.get(0), create(tp));
        start = System.nanoTime();
        createParent(dbs.get(0), tp);
        partman.add(ms(start));
        assertThat(rangePartitions(dbs.get(0), tp)).isEqualTo(PARTITIONS);
      }
      for (Connection db : dbs) {
        db.close();
      }
    } finally {
      pool.shutdownNow();
    }
    String table = table(runs, one, eight, partman);
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, table);
    System.out.print(table);
  }

  static PartitionSpec spec(String table) {
    PartitionSpec spec = new PartitionSpec();
    spec.setTable("public." + table);
    spec.setColumn("created_at");
    spec.setInterval(PartitionInterval.MONTHLY);
    spec.setPremake(PARTITIONS - 1);
    return spec;
  }

  static String create(String table) {
    return "CREATE TABLE public."
        + table
        + " (id bigint, created_at timestamptz NOT NULL, body text) PARTITION BY RANGE (created_at)";
  }

  /** The same 24 months: the current one and 23 ahead (pg_partman adds its DEFAULT partition). */
  static void createParent(Connection db, String table) throws SQLException {
    String start = YearMonth.now(ZoneOffset.UTC).atDay(1).toString();
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT partman.create_parent(p_parent_table := ?, p_control := 'created_at',"
                + " p_type := 'native', p_interval := 'monthly', p_premake := ?,"
                + " p_start_partition := ?)")) {
      ps.setString(1, "public." + table);
      ps.setInt(2, PARTITIONS - 1);
      ps.setString(3, start);
      ps.execute();
    }
  }

  static int rangePartitions(Connection db, String table) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'public."
                    + table
                    + "'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static void sql(Connection db, String... statements) throws SQLException {
    try (Statement st = db.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  static double ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  static String table(int runs, List<Double> one, List<Double> eight, List<Double> partman) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "pgshard partition benchmark: %d monthly partitions of a new table (timestamptz), %d"
                + " runs; PostgreSQL 15 processes on this machine, one per shard; pg_partman 4.7.2"
                + " create_parent(p_premake := 23, p_start_partition := this month)%n",
            PARTITIONS,
            runs));
    out.append(String.format(Locale.ROOT, "%-40s %-9s %-9s %-9s%n", "ms", "min", "median", "max"));
    out.append(row("pgshard, 1 shard", one));
    out.append(row("pgshard, 8 shards in parallel", eight));
    out.append(row("pg_partman create_parent, 1 shard", partman));
    out.append(
        String.format(
            Locale.ROOT,
            "PARTITIONS partitions=%d shards=%d one_shard_median_ms=%.1f eight_shards_median_ms=%.1f"
                + " partman_one_shard_median_ms=%.1f%n",
            PARTITIONS,
            SHARDS,
            median(one),
            median(eight),
            median(partman)));
    return out.toString();
  }

  static String row(String name, List<Double> values) {
    return Stats.row(name, 40, 9, 1, values);
  }

  static double median(List<Double> values) {
    return Stats.median(values);
  }
}
