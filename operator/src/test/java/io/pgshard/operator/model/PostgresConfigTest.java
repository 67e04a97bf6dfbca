package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.testing.TestClusters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresConfigTest {

  @Test
  void asyncShardsHaveNoSynchronousStandbyNames() {
    String conf = render(TestClusters.shard(0));
    assertThat(conf)
        .contains("wal_level = replica")
        .contains("hot_standby = on")
        .contains("wal_log_hints = on")
        .contains("cluster_name = 'orders-shard-0'")
        .contains("wal_retrieve_retry_interval = '200ms'")
        .doesNotContain("synchronous_standby_names");
  }

  @Test
  void syncShardsWaitForAnyNOfAllInstances() {
    PostgresShard shard =
        TestClusters.shard(
            1,
            s -> {
              s.setReplicas(2);
              s.getReplication().setMode(ReplicationMode.SYNC);
              s.getReplication().setSyncReplicas(1);
            });
    assertThat(render(shard))
        .contains(
            "synchronous_standby_names = 'ANY 1 (\"orders-shard-1-0\", \"orders-shard-1-1\", \"orders-shard-1-2\")'");
  }

  @Test
  void syncModeWithoutReplicasWritesNoStandbyNamesRatherThanBlockEveryCommit() {
    PostgresShard shard =
        TestClusters.shard(
            0,
            s -> {
              s.setReplicas(0);
              s.getReplication().setMode(ReplicationMode.SYNC);
            });
    assertThat(render(shard)).doesNotContain("synchronous_standby_names");
  }

  @Test
  void userParametersOverrideDefaultsAndAreQuoted() {
    PostgresShard shard =
        TestClusters.shard(
            0,
            s ->
                s.getPostgres()
                    .setParameters(
                        Map.of(
                            "max_connections",
                            "300",
                            "wal_keep_size",
                            "2GB",
                            "search_path",
                            "app, 'x'")));
    assertThat(render(shard))
        .contains("max_connections = '300'")
        .contains("wal_keep_size = '2GB'")
        .doesNotContain("wal_keep_size = '1GB'")
        .contains("search_path = 'app, ''x'''");
  }

  @Test
  void ownedParametersAreTheOnesRunShAndTheOperatorSet() {
    assertThat(PostgresConfig.OWNED_PARAMETERS)
        .contains(
            "listen_addresses",
            "port",
            "primary_conninfo",
            "synchronous_standby_names",
            "wal_level",
            "hba_file");
    assertThat(PostgresConfig.isValidParameterName("auto_explain.log_min_duration")).isTrue();
    assertThat(PostgresConfig.isValidParameterName("max_connections = 1\nfsync")).isFalse();
  }

  @Test
  void hbaAllowsReplicationOnlyToTheReplicationUserAndScramElsewhere() {
    String hba = HbaConfig.render("streaming_replica");
    assertThat(hba)
        .contains("host    replication  \"streaming_replica\"  10.0.0.0/8  scram-sha-256")
        .contains("host    replication  all   all        reject")
        .contains("host    all          all   10.0.0.0/8  scram-sha-256")
        .contains("host    all          all   all        reject")
        .doesNotContain("0.0.0.0/0")
        .doesNotContain("::/0")
        .doesNotContain("trust")
        .doesNotContain(" md5");
    assertThat(hba.indexOf("\"streaming_replica\"")).isLessThan(hba.indexOf("replication  all"));
  }

  @Test
  void hbaAdmitsOnlyTheAllowedNetworksWhenTheyAreGiven() {
    String hba = HbaConfig.render("streaming_replica", List.of("10.244.0.0/16", "fd00:10::/64"));
    assertThat(hba)
        .contains("host    all          all   10.244.0.0/16  scram-sha-256")
        .contains("host    all          all   fd00:10::/64  scram-sha-256")
        .doesNotContain("10.0.0.0/8")
        .doesNotContain("192.168.0.0/16");
    assertThat(HbaConfig.isCidr("10.0.0.0/8")).isTrue();
    assertThat(HbaConfig.isCidr("fd00::/8")).isTrue();
    assertThat(HbaConfig.isCidr("0.0.0.0/0")).isTrue();
    assertThat(HbaConfig.isCidr("10.0.0.0")).isFalse();
    assertThat(HbaConfig.isCidr("10.0.0.0/33")).isFalse();
    assertThat(HbaConfig.isCidr("all")).isFalse();
    assertThat(HbaConfig.isCidr("10.0.0.0/8 trust")).isFalse();
  }

  static String render(PostgresShard shard) {
    return PostgresConfig.render(shard.getMetadata().getName(), shard.getSpec());
  }
}
