package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.testing.TestClusters;
import org.junit.jupiter.api.Test;

/** Services, ConfigMaps, the PodDisruptionBudget and the pooler Deployment of a shard. */
class ShardObjectsTest {

  PostgresShard shard = TestClusters.shard(0);

  @Test
  void theRwServiceSelectsThePrimaryAndTheRoServiceTheReplicas() {
    Service rw = Services.primary(shard);
    Service ro = Services.replicas(shard);
    assertThat(rw.getMetadata().getName()).isEqualTo("orders-shard-0-rw");
    assertThat(rw.getSpec().getSelector())
        .containsEntry("pgshard.io/role", "primary")
        .containsEntry("pgshard.io/shard", "orders-shard-0");
    assertThat(ro.getSpec().getSelector()).containsEntry("pgshard.io/role", "replica");
    assertThat(rw.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
  }

  @Test
  void theHeadlessServiceGivesEveryInstanceDnsReadyOrNot() {
    Service pods = Services.pods(shard);
    assertThat(pods.getMetadata().getName()).isEqualTo("orders-shard-0-pods");
    assertThat(pods.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(pods.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(pods.getSpec().getSelector()).doesNotContainKey("pgshard.io/role");
  }

  @Test
  void thePoolerServiceSelectsOnlyPgBouncerPods() {
    Service pooler = Services.pooler(shard);
    assertThat(pooler.getMetadata().getName()).isEqualTo("orders-shard-0-pooler");
    assertThat(pooler.getSpec().getSelector())
        .containsEntry("app.kubernetes.io/component", "pooler");
    assertThat(pooler.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "pooler");
  }

  @Test
  void theConfigConfigMapCarriesTheIncludeHbaAndTheScripts() {
    ConfigMap config = ShardConfigMaps.config(shard, "streaming_replica");
    assertThat(config.getData())
        .containsOnlyKeys(
            "postgresql.conf",
            "pg_hba.conf",
            "run.sh",
            "prestop.sh",
            "backup.sh",
            "standby-conninfo");
    assertThat(config.getData().get("standby-conninfo"))
        .as("probeInterval 1s x failureThreshold 3")
        .contains("tcp_user_timeout=3000", "keepalives_idle=1");
    assertThat(config.getData().get("postgresql.conf"))
        .contains("wal_receiver_timeout = '3000ms'", "wal_sender_timeout = '3000ms'");
    assertThat(config.getData().get("run.sh")).startsWith("#!/bin/sh").contains("pg_basebackup");
    assertThat(config.getData().get("pg_hba.conf")).contains("\"streaming_replica\"");
  }

  @Test
  void theStateConfigMapSaysInitializedOnlyOnceTheShardHasHadAPrimary() {
    assertThat(ShardConfigMaps.isInitialized(ShardConfigMaps.state(shard, false))).isFalse();
    assertThat(ShardConfigMaps.state(shard, false).getData()).isEmpty();
    assertThat(ShardConfigMaps.isInitialized(ShardConfigMaps.state(shard, true))).isTrue();
  }

  @Test
  void atMostOneInstanceIsVoluntarilyEvicted() {
    PodDisruptionBudget pdb = ShardPodDisruptionBudgetModel.desired(shard);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Labels.instanceSelector("orders", "orders-shard-0"));
  }

  @Test
  void thePoolerRunsTheRequestedInstancesAndRollsWhenItsConfigChanges() {
    PostgresShard three = TestClusters.shard(0, s -> s.getPooler().setInstances(3));
    Deployment d =
        PoolerDeploymentModel.desired(three, PoolerConfigMapModel.desired(three, "postgres"));
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getCommand())
        .containsExactly("/bin/sh", "/etc/pgbouncer/config/pooler.sh");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

    PostgresShard session =
        TestClusters.shard(
            0, s -> s.getPooler().setPoolMode(io.pgshard.operator.api.v1alpha1.PoolMode.SESSION));
    String before =
        d.getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(PoolerDeploymentModel.CONFIG_HASH_ANNOTATION);
    String after =
        PoolerDeploymentModel.desired(session, PoolerConfigMapModel.desired(session, "postgres"))
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(PoolerDeploymentModel.CONFIG_HASH_ANNOTATION);
    assertThat(after).isNotEqualTo(before);
    assertThat(
            PoolerDeploymentModel.desired(three, PoolerConfigMapModel.desired(three, "postgres"))
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(PoolerDeploymentModel.CONFIG_HASH_ANNOTATION))
        .as("the hash is stable for the same config")
        .isEqualTo(before);
  }
}
