package io.pgshard.operator.reconciler;

import static io.pgshard.operator.testing.LocalOperatorShard.CLUSTER;
import static io.pgshard.operator.testing.LocalOperatorShard.NS;
import static io.pgshard.operator.testing.LocalOperatorShard.SHARD;
import static io.pgshard.operator.testing.LocalOperatorShard.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgshard.operator.api.v1alpha1.ConfigMapKeyRef;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.SchemaSpec;
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
    s.editCluster(
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

  @Test
  void appliesTheSchemaFromItsConfigMapBeforeMaintainingPartitions() throws Exception {
    s =
        LocalOperatorShard.start(
            1,
            c -> {
              c.getSpec().getPooler().setEnabled(false);
              SchemaSpec schema = new SchemaSpec();
              ConfigMapKeyRef ref = new ConfigMapKeyRef();
              ref.setName("app-schema");
              ref.setKey("schema.sql");
              schema.setConfigMapRef(ref);
              c.getSpec().setSchema(schema);
              PartitionSpec events = new PartitionSpec();
              events.setTable("public.events");
              events.setColumn("created_at");
              c.getSpec().getPartitions().add(events);
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition schema = condition("SchemaApplied");
              assertThat(schema).isNotNull();
              assertThat(schema.getStatus()).isEqualTo("False");
              assertThat(schema.getReason()).isEqualTo("SchemaFailed");
              assertThat(schema.getMessage()).isEqualTo("ConfigMap app-schema does not exist");
              assertThat(condition().getReason()).isEqualTo("TableNotFound");
            });

    s.client()
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("app-schema")
                .endMetadata()
                .addToData(
                    "schema.sql",
                    "CREATE TABLE public.events (created_at timestamptz NOT NULL)"
                        + " PARTITION BY RANGE (created_at);\n"
                        + "CREATE TABLE public.events_default PARTITION OF public.events DEFAULT;\n")
                .build())
        .create();
    // a spec change runs maintenance at once (otherwise the failed run is retried in 5 minutes)
    s.editCluster(
        c -> {
          c.getSpec().getPartitions().get(0).setPremake(1);
          return c;
        });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(condition("SchemaApplied").getStatus()).isEqualTo("True");
              assertThat(condition("SchemaApplied").getReason()).isEqualTo("Applied");
              assertThat(condition().getStatus()).isEqualTo("True");
              assertThat(s.shard().getStatus().getPartitions().get(0).getCount()).isEqualTo(2);
            });
    assertThat(s.eventReasons()).contains("SchemaFailed", "SchemaApplied");
    try (Connection db = s.local().superuser(0, "app");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'events'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("app");
    }
  }

  Condition condition(String type) {
    var status = s.shard().getStatus();
    return status == null ? null : Conditions.find(status.getConditions(), type).orElse(null);
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
