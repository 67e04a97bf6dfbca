package io.pgshard.operator.reconciler;

import static io.pgshard.operator.testing.LocalOperatorShard.CLUSTER;
import static io.pgshard.operator.testing.LocalOperatorShard.NS;
import static io.pgshard.operator.testing.LocalOperatorShard.SHARD;
import static io.pgshard.operator.testing.LocalOperatorShard.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalOperatorShard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator maintains partitions on a shard of real PostgreSQL processes: a missing table
 * is reported on the shard and the cluster, and once it exists a spec change runs maintenance at
 * once, without waiting for the schedule.
 */
class OperatorPartitionsIT {

  LocalOperatorShard s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void reportsAMissingTableThenMaintainsItWhenTheSpecChanges() throws Exception {
    s =
        LocalOperatorShard.start(
            1,
            c -> {
              c.getSpec().getPooler().setEnabled(false);
              PartitionSpec events = new PartitionSpec();
              events.setTable("public.events");
              events.setColumn("created_at");
              events.setPremake(2);
              c.getSpec().getPartitions().add(events);
            });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition c = condition();
              assertThat(c).isNotNull();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("TableNotFound");
              assertThat(c.getMessage()).contains("public.events");
              Condition cluster = clusterCondition();
              assertThat(cluster.getReason()).isEqualTo("TableNotFound");
              assertThat(cluster.getMessage()).startsWith(SHARD + ": ");
            });
    assertThat(s.eventReasons()).contains("TableNotFound");
    assertThat(s.metrics())
        .contains("pgshard_partition_maintenance_errors_total{")
        .contains("reason=\"TableNotFound\"");

    try (Connection db = s.local().superuser(0, "app");
        Statement st = db.createStatement()) {
      st.execute(
          "CREATE TABLE public.events (created_at timestamptz NOT NULL, body text)"
              + " PARTITION BY RANGE (created_at)");
    }
    s.client()
        .resources(ShardedCluster.class)
        .inNamespace(NS)
        .withName(CLUSTER)
        .edit(
            c -> {
              c.getSpec().getPartitions().get(0).setPremake(3);
              return c;
            });

    String current =
        "events_p" + YearMonth.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMM"));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(
                      Conditions.isTrue(s.shard().getStatus().getConditions(), "PartitionsReady"))
                  .isTrue();
              PartitionStatus events = s.shard().getStatus().getPartitions().get(0);
              assertThat(events.getCount()).isEqualTo(4);
              assertThat(events.getOldest()).isEqualTo(current);
              assertThat(events.getReason()).isNull();
              assertThat(events.getLastMaintenance()).isNotNull();
              assertThat(clusterCondition().getStatus()).isEqualTo("True");
            });
    try (Connection db = s.local().superuser(0, "app");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.events'::regclass")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(4);
    }
    assertThat(s.eventReasons()).contains("PartitionsMaintained");
    assertThat(s.metrics()).contains("pgshard_partitions{").contains("table=\"public.events\"");
  }

  Condition condition() {
    var status = s.shard().getStatus();
    return status == null
        ? null
        : Conditions.find(status.getConditions(), "PartitionsReady").orElse(null);
  }

  Condition clusterCondition() {
    ShardedCluster cluster =
        s.client().resources(ShardedCluster.class).inNamespace(NS).withName(CLUSTER).get();
    return Conditions.find(cluster.getStatus().getConditions(), "PartitionsReady").orElseThrow();
  }
}
