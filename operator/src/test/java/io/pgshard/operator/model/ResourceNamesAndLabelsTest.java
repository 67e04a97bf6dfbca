package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceNamesAndLabelsTest {

  @Test
  void namesFollowTheDesign() {
    String shard = ResourceNames.shard("orders", 0);
    assertThat(shard).isEqualTo("orders-shard-0");
    assertThat(ResourceNames.statefulSet(shard)).isEqualTo("orders-shard-0");
    assertThat(ResourceNames.pod(shard, 1)).isEqualTo("orders-shard-0-1");
    assertThat(ResourceNames.podsService(shard)).isEqualTo("orders-shard-0-pods");
    assertThat(ResourceNames.primaryService(shard)).isEqualTo("orders-shard-0-rw");
    assertThat(ResourceNames.replicaService(shard)).isEqualTo("orders-shard-0-ro");
    assertThat(ResourceNames.configMap(shard)).isEqualTo("orders-shard-0-config");
    assertThat(ResourceNames.stateConfigMap(shard)).isEqualTo("orders-shard-0-state");
    assertThat(ResourceNames.podDisruptionBudget(shard)).isEqualTo("orders-shard-0");
    assertThat(ResourceNames.pooler(shard)).isEqualTo("orders-shard-0-pooler");
    assertThat(ResourceNames.superuserSecret("orders")).isEqualTo("orders-superuser");
    assertThat(ResourceNames.replicationSecret("orders")).isEqualTo("orders-replication");
    assertThat(ResourceNames.appSecret("orders")).isEqualTo("orders-app");
    assertThat(ResourceNames.shardMap("orders")).isEqualTo("orders-shard-map");
    assertThat(ResourceNames.serviceHost("orders-shard-0-rw", "shop"))
        .isEqualTo("orders-shard-0-rw.shop.svc");
  }

  @Test
  void ordinalIsReadBackOnlyFromTheShardsOwnPods() {
    assertThat(ResourceNames.ordinalOf("orders-shard-1", "orders-shard-1-2")).isEqualTo(2);
    assertThat(ResourceNames.ordinalOf("orders-shard-1", "orders-shard-10-2")).isEqualTo(-1);
    assertThat(ResourceNames.ordinalOf("orders-shard-1", "orders-shard-1-pooler-abc"))
        .isEqualTo(-1);
  }

  @Test
  void theLongestDerivedLabelValueFitsInSixtyThreeCharacters() {
    String cluster = "c".repeat(ResourceNames.MAX_CLUSTER_NAME_LENGTH);
    String revisionHash =
        ResourceNames.statefulSet(ResourceNames.shard(cluster, 255)) + "-" + "h".repeat(10);
    assertThat(revisionHash).hasSizeLessThanOrEqualTo(63);
    assertThat(ResourceNames.pooler(ResourceNames.shard(cluster, 255)))
        .hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void shardObjectsCarryTheRecommendedAndThePgshardLabels() {
    assertThat(Labels.forShard("orders", "orders-shard-0", Labels.Component.POSTGRES))
        .containsEntry("app.kubernetes.io/name", "pgshard")
        .containsEntry("app.kubernetes.io/instance", "orders")
        .containsEntry("app.kubernetes.io/component", "postgres")
        .containsEntry("app.kubernetes.io/managed-by", "pgshard-operator")
        .containsEntry("pgshard.io/cluster", "orders")
        .containsEntry("pgshard.io/shard", "orders-shard-0")
        .doesNotContainKey(Labels.ROLE);
  }

  @Test
  void roleSelectorsNarrowTheInstanceSelector() {
    assertThat(Labels.roleSelector("orders", "orders-shard-0", Labels.ROLE_PRIMARY))
        .containsAllEntriesOf(Labels.instanceSelector("orders", "orders-shard-0"))
        .containsEntry("pgshard.io/role", "primary");
    assertThat(Labels.poolerSelector("orders", "orders-shard-0"))
        .containsEntry("app.kubernetes.io/component", "pooler");
  }
}
