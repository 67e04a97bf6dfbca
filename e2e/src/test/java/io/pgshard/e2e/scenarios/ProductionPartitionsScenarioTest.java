package io.pgshard.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.api.v1alpha1.PartitionInterval;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.partitions.PartitionPlanner;
import io.pgshard.operator.testing.Samples;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * samples/production.yaml on the local harness: 4 shards of 3 instances in sync mode, 2 poolers
 * each, the schema from its ConfigMap and a monthly partition schedule (premake 3, retention 12,
 * detach). Then a month passes on the operator's clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionPartitionsScenarioTest {

  private static final String NS = "shop";
  private static final Duration CONVERGE = Duration.ofMinutes(5);

  @RegisterExtension final Harnessed harness = new Harnessed();
  private LocalCluster local;
  private ClusterView view;
  private YearMonth month;

  @BeforeAll
  void applyProduction() {
    local = harness.start(Map.of());
    harness.orDump(
        () -> {
          local.apply(Samples.path("production.yaml"), NS);
          view = new ClusterView(local, NS, "orders");
        });
  }

  @AfterAll
  void stop() {
    harness.close();
  }

  @Test
  @Order(1)
  void everyShardHasItsPartitionsPremadeAhead() throws Exception {
    view.awaitReady(4, CONVERGE);
    month = YearMonth.from(local.clock().instant().atZone(ZoneOffset.UTC));
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      await()
          .atMost(CONVERGE)
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(attached(name))
                      .contains(partition(month), partition(month.plusMonths(3)))
                      .doesNotContain(partition(month.plusMonths(4))));
      // a partition from before the retention window, as a year of running would have left
      YearMonth old = month.minusMonths(13);
      try (Connection db = view.app(name);
          Statement st = db.createStatement()) {
        st.execute(
            "CREATE TABLE public."
                + partition(old)
                + " PARTITION OF public.events FOR VALUES FROM ('"
                + old.atDay(1)
                + " 00:00+00') TO ('"
                + old.plusMonths(1).atDay(1)
                + " 00:00+00')");
      }
    }
  }

  @Test
  @Order(2)
  void aMonthLaterTheNextPartitionExistsAndTheOldestIsRetired() {
    ZonedDateTime now = local.clock().instant().atZone(ZoneOffset.UTC);
    local.clock().advance(Duration.between(now, now.plusMonths(1)));
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      await()
          .atMost(CONVERGE)
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                List<String> attached = attached(name);
                assertThat(attached)
                    .contains(partition(month.plusMonths(4)))
                    .doesNotContain(partition(month.minusMonths(13)));
                // detached, not dropped (retentionPolicy: detach)
                assertThat(tableExists(name, partition(month.minusMonths(13)))).isTrue();
                // status is written after the maintenance run that made them
                assertThat(view.shardByName(name).getStatus().getPartitions())
                    .singleElement()
                    .satisfies(
                        p -> assertThat(p.getNewest()).contains(partition(month.plusMonths(4))));
              });
    }
  }

  private static String partition(YearMonth m) {
    return PartitionPlanner.name(
        "events", PartitionInterval.MONTHLY, LocalDateTime.of(m.getYear(), m.getMonth(), 1, 0, 0));
  }

  private List<String> attached(String shard) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection db = view.app(shard);
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'public.events'::regclass ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  private boolean tableExists(String shard, String table) throws SQLException {
    try (Connection db = view.app(shard);
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
