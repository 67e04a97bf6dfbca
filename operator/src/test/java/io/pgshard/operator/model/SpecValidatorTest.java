package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterSpec;
import io.pgshard.operator.testing.TestClusters;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  static List<SpecProblem> problems(Consumer<ShardedClusterSpec> customize, int existingShards) {
    return SpecValidator.validate(TestClusters.cluster(2, customize), existingShards);
  }

  @Test
  void theDefaultsAreValid() {
    assertThat(problems(s -> {}, 0)).isEmpty();
    assertThat(problems(s -> {}, 2)).isEmpty();
  }

  @Test
  void raisingShardsIsFineLoweringIsRefused() {
    assertThat(problems(s -> s.setShards(4), 2)).isEmpty();
    assertThat(problems(s -> s.setShards(1), 2))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.shards");
              assertThat(p.message()).contains("from 2 to 1").contains("set spec.shards back to 2");
            });
  }

  @Test
  void syncReplicasMayNotExceedReplicas() {
    List<SpecProblem> problems =
        problems(
            s -> {
              s.setReplicas(1);
              s.getReplication().setMode(ReplicationMode.SYNC);
              s.getReplication().setSyncReplicas(2);
            },
            0);
    assertThat(problems)
        .extracting(SpecProblem::field)
        .containsExactly("spec.replication.syncReplicas");
    assertThat(problems(s -> s.getReplication().setSyncReplicas(5), 0))
        .as("only checked in sync mode")
        .isEmpty();
  }

  @Test
  void operatorOwnedAndMalformedParametersAreRefusedByName() {
    List<SpecProblem> problems =
        problems(
            s -> {
              s.getPostgres()
                  .setParameters(
                      Map.of("primary_conninfo", "host=evil", "bad key", "1", "work_mem", "64MB"));
              s.getPooler().setParameters(Map.of("listen_port", "6432", "query_timeout", "10"));
            },
            0);
    assertThat(problems)
        .extracting(SpecProblem::field)
        .containsExactlyInAnyOrder(
            "spec.postgres.parameters.primary_conninfo",
            "spec.postgres.parameters.bad key",
            "spec.pooler.parameters.listen_port");
  }

  @Test
  void quantitiesDurationsAndNamesAreCheckedEvenWithoutTheSchema() {
    assertThat(problems(s -> s.getReplication().setMaxLagOnFailover("lots"), 0))
        .extracting(SpecProblem::field)
        .containsExactly("spec.replication.maxLagOnFailover");
    assertThat(problems(s -> s.getFailover().setProbeInterval("1 second"), 0))
        .extracting(SpecProblem::field)
        .containsExactly("spec.failover.probeInterval");
    ShardedCluster longName = TestClusters.cluster(1, s -> {});
    longName.getMetadata().setName("x".repeat(41));
    assertThat(SpecValidator.validate(longName, 0))
        .extracting(SpecProblem::field)
        .containsExactly("metadata.name");
  }

  @Test
  void aTableMayHaveOnlyOnePartitionSchedule() {
    PartitionSpec a = new PartitionSpec();
    a.setTable("public.events");
    a.setColumn("created_at");
    PartitionSpec b = new PartitionSpec();
    b.setTable("public.events");
    b.setColumn("created_at");
    assertThat(problems(s -> s.setPartitions(List.of(a, b)), 0))
        .extracting(SpecProblem::field)
        .containsExactly("spec.partitions[1].table");
  }

  @Test
  void aScheduleThatIsNotCronAndATableTooLongForPartitionNamesAreRefused() {
    PartitionSpec a = new PartitionSpec();
    a.setTable("public.events");
    a.setColumn("created_at");
    a.setSchedule("0 25 * * *");
    PartitionSpec b = new PartitionSpec();
    b.setTable("t" + "x".repeat(53));
    b.setColumn("created_at");
    assertThat(problems(s -> s.setPartitions(List.of(a, b)), 0))
        .extracting(SpecProblem::field, SpecProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "spec.partitions[0].schedule", "hour 25 is outside 0-23"),
            org.assertj.core.groups.Tuple.tuple(
                "spec.partitions[1].table",
                "is too long: its partition names would pass PostgreSQL's 63-byte limit"));
  }
}
