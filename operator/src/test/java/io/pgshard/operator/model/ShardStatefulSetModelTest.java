package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.testing.TestClusters;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShardStatefulSetModelTest {

  StatefulSet sts =
      ShardStatefulSetModel.desired(
          TestClusters.shard(0, s -> s.setReplicas(2)), ServerCapabilities.CURRENT);
  Container postgres = sts.getSpec().getTemplate().getSpec().getContainers().get(0);

  @Test
  void runsOneInstancePerReplicaPlusThePrimary() {
    assertThat(sts.getMetadata().getName()).isEqualTo("orders-shard-0");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-shard-0-pods");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
  }

  @Test
  void aTemplateChangeNeverRestartsAPodByItself() {
    assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
  }

  @Test
  void thePodTemplateCarriesNoRoleLabelOnlyTheOperatorSetsIt() {
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .doesNotContainKey(Labels.ROLE);
    assertThat(sts.getSpec().getSelector().getMatchLabels()).doesNotContainKey(Labels.ROLE);
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void runsTheInstanceScriptFromTheConfigConfigMap() {
    assertThat(postgres.getCommand()).containsExactly("/bin/sh", "/etc/pgshard/config/run.sh");
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("orders-shard-0-config"));
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("orders-shard-0-state"));
  }

  @Test
  void passwordsComeFromSecretsNeverFromLiterals() {
    Map<String, EnvVar> env =
        postgres.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("PGSHARD_SUPERUSER_PASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("orders-superuser");
    assertThat(env.get("PGSHARD_REPLICATION_PASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("orders-replication");
    assertThat(env.get("PGSHARD_APP_PASSWORD").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("orders-app");
    assertThat(env.get("PGSHARD_RW_HOST").getValue()).isEqualTo("orders-shard-0-rw.shop.svc");
    assertThat(env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(env.values())
        .filteredOn(e -> e.getName().contains("PASSWORD"))
        .allSatisfy(e -> assertThat(e.getValue()).isNull());
  }

  @Test
  void runsAsNonRootWithoutPrivilegesOnAReadOnlyRootFilesystem() {
    var pod = sts.getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isEqualTo(999L);
    assertThat(pod.getFsGroup()).isEqualTo(999L);
    var container = postgres.getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sts.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void probesAskPgIsreadyOnTheLocalSocket() {
    assertThat(postgres.getReadinessProbe().getExec().getCommand())
        .last()
        .asString()
        .contains("pg_isready");
    assertThat(
            postgres.getStartupProbe().getFailureThreshold()
                * postgres.getStartupProbe().getPeriodSeconds())
        .as("seconds a clone may take")
        .isGreaterThanOrEqualTo(3600);
    assertThat(postgres.getLivenessProbe()).isNotNull();
  }

  @Test
  void eachInstanceClaimsTheRequestedStorageAndKeepsItByDefault() {
    var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getMetadata().getName()).isEqualTo("data");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("1Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Retain");
  }

  @Test
  void storageClassResourcesAndClaimDeletionFollowTheSpec() {
    StatefulSet custom =
        ShardStatefulSetModel.desired(
            TestClusters.shard(
                0,
                s -> {
                  s.getPostgres().getStorage().setSize("50Gi");
                  s.getPostgres().getStorage().setStorageClassName("fast");
                  s.getPostgres().getStorage().setDeleteClaimsWithCluster(true);
                  s.getPostgres().setImage("postgres:15.8");
                  s.getPostgres()
                      .setResources(
                          new ResourceRequirementsBuilder()
                              .addToLimits("memory", new Quantity("2Gi"))
                              .build());
                }),
            ServerCapabilities.CURRENT);
    var claim = custom.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("50Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(custom.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Delete");
    Container c = custom.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("postgres:15.8");
    assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void leavesTheClaimRetentionPolicyOutWhereTheServerWouldRefuseOrDropIt() {
    var shard =
        TestClusters.shard(0, s -> s.getPostgres().getStorage().setDeleteClaimsWithCluster(true));
    assertThat(
            ShardStatefulSetModel.desired(shard, new ServerCapabilities(1, 20, false))
                .getSpec()
                .getPersistentVolumeClaimRetentionPolicy())
        .as("1.20 has no such field: server-side apply refuses the whole StatefulSet")
        .isNull();
    assertThat(
            ShardStatefulSetModel.desired(shard, new ServerCapabilities(1, 24, true))
                .getSpec()
                .getPersistentVolumeClaimRetentionPolicy())
        .as("1.23-1.26 drop it unless a feature gate is on: the desired state would never match")
        .isNull();
    assertThat(
            ShardStatefulSetModel.desired(shard, new ServerCapabilities(1, 27, true))
                .getSpec()
                .getPersistentVolumeClaimRetentionPolicy()
                .getWhenDeleted())
        .isEqualTo("Delete");
  }

  @Test
  void isOwnedByItsPostgresShard() {
    assertThat(sts.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getKind()).isEqualTo("PostgresShard");
              assertThat(ref.getName()).isEqualTo("orders-shard-0");
              assertThat(ref.getController()).isTrue();
            });
  }
}
