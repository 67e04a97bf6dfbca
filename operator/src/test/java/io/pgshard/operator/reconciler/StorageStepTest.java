package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.testing.MockKubernetes;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Storage growth on the fabric8 mock API server (CRUD mode: no resize admission, no garbage
 * collector): a raised size patches every data claim and deletes the StatefulSet, which keeps its
 * claim size until it is gone; a lowered one is refused and touches nothing. The real control plane
 * runs the whole growth in RollingRestartOnControlPlaneTest.
 */
class StorageStepTest {

  private static final String NS = "storage";

  private MockKubernetes kube;
  private KubernetesClient client;
  private StorageStep step;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
    client = kube.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    step = new StorageStep(client, new KubernetesEvents(client, Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void aRaisedSizeGrowsEveryClaimAndReplacesTheStatefulSet() {
    StatefulSet sts = statefulSet(shard("1Gi"));
    claims("1Gi");
    PostgresShard wanted = shard("2Gi");

    StorageStep.Prepared prepared = step.prepare(wanted, Optional.of(sts));

    assertThat(prepared.replacing()).isTrue();
    assertThat(prepared.heldSize()).hasValue("1Gi");
    assertThat(prepared.reason()).isNull();
    for (int i = 0; i <= 1; i++) {
      assertThat(claim(i).getSpec().getResources().getRequests().get("storage"))
          .isEqualTo(new Quantity("2Gi"));
    }
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("s-shard-0").get()).isNull();

    PostgresShardStatus status = new PostgresShardStatus();
    assertThat(step.report(wanted, status, prepared)).isTrue();
    assertThat(status.getStorage().getPhase()).isEqualTo("Growing");
    assertThat(status.getStorage().getRequested()).isEqualTo("2Gi");
    assertThat(status.getStorage().getClaims())
        .extracting(c -> c.getName() + " " + c.getRequested() + " " + c.getCapacity())
        .containsExactly("data-s-shard-0-0 2Gi 1Gi", "data-s-shard-0-1 2Gi 1Gi");
  }

  @Test
  void aLoweredSizeIsRefusedAndTouchesNothing() {
    StatefulSet sts = statefulSet(shard("2Gi"));
    claims("2Gi");

    StorageStep.Prepared prepared = step.prepare(shard("1Gi"), Optional.of(sts));

    assertThat(prepared.reason()).isEqualTo("StorageShrinkRefused");
    assertThat(prepared.problem()).contains("spec.postgres.storage.size", "cannot shrink");
    assertThat(prepared.heldSize()).hasValue("2Gi");
    assertThat(prepared.replacing()).isFalse();
    assertThat(claim(0).getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("2Gi"));
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("s-shard-0").get())
        .isNotNull();
  }

  @Test
  void anUnchangedSizeDoesNothing() {
    StatefulSet sts = statefulSet(shard("1Gi"));
    StorageStep.Prepared prepared = step.prepare(shard("1Gi"), Optional.of(sts));
    assertThat(prepared).isEqualTo(StorageStep.Prepared.none());
    PostgresShardStatus status = new PostgresShardStatus();
    assertThat(step.report(shard("1Gi"), status, prepared)).isFalse();
    assertThat(status.getStorage()).isNull();
  }

  private static PostgresShard shard(String size) {
    PostgresShard shard = new PostgresShard();
    shard.getMetadata().setName("s-shard-0");
    shard.getMetadata().setNamespace(NS);
    shard.getMetadata().setUid("uid-s-shard-0");
    PostgresShardSpec spec = new PostgresShardSpec();
    spec.setClusterName("s");
    spec.setReplicas(1);
    spec.getPostgres().getStorage().setSize(size);
    shard.setSpec(spec);
    return shard;
  }

  private StatefulSet statefulSet(PostgresShard shard) {
    StatefulSet sts = ShardStatefulSetModel.desired(shard, ServerCapabilities.CURRENT);
    sts.getMetadata().setNamespace(NS);
    return client.resource(sts).create();
  }

  private void claims(String size) {
    for (int i = 0; i <= 1; i++) {
      client
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName("data-s-shard-0-" + i)
                  .withNamespace(NS)
                  .endMetadata()
                  .withNewSpec()
                  .withNewResources()
                  .addToRequests("storage", new Quantity(size))
                  .endResources()
                  .endSpec()
                  .withNewStatus()
                  .addToCapacity("storage", new Quantity(size))
                  .endStatus()
                  .build())
          .create();
    }
  }

  private PersistentVolumeClaim claim(int ordinal) {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName("data-s-shard-0-" + ordinal)
        .get();
  }
}
