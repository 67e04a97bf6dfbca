package io.pgshard.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.metrics.FailoverMetrics;
import io.pgshard.operator.testing.MockKubernetes;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fence of a failed primary deletes the incarnation of its pod that ran as primary, and only
 * that one: a fence repeated after its pod was replaced (the fence was not confirmed in time, the
 * operator restarted) leaves the replacement alone, which starts as a standby. On the fabric8 mock
 * API server (CRUD mode); the real control plane runs the same path in the fault tests.
 */
class FencedIncarnationTest {

  private static final String NS = "fence";
  private static final String POD = "s-shard-0-0";

  private MockKubernetes kube;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
    client = kube.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void theFencedUidIsRecordedBeforeTheDeleteAndItsReplacementIsLeftAlone() {
    PostgresShard shard = shard();
    Pod first = pod();

    control(shard).deletePod(POD, true);

    PostgresShard afterFence = get();
    assertThat(afterFence.getStatus().getFencedPrimary()).isEqualTo(POD);
    assertThat(afterFence.getStatus().getFencedPrimaryUid())
        .isEqualTo(first.getMetadata().getUid());
    assertThat(client.pods().inNamespace(NS).withName(POD).get()).isNull();

    // the StatefulSet brings the pod back; the fence is repeated by the next reconcile
    Pod second = pod();
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    control(afterFence).deletePod(POD, true);

    Pod replacement = client.pods().inNamespace(NS).withName(POD).get();
    assertThat(replacement).isNotNull();
    assertThat(replacement.getMetadata().getUid()).isEqualTo(second.getMetadata().getUid());
    assertThat(KubernetesShardControl.fencedUid(get(), POD))
        .isEqualTo(first.getMetadata().getUid());
    assertThat(KubernetesShardControl.fencedUid(get(), "s-shard-0-1")).isNull();
  }

  @Test
  void aFenceOnRecordForAnotherPodDoesNotSpareThisOne() {
    PostgresShard shard = shard();
    PostgresShardStatus status = new PostgresShardStatus();
    status.setFencedPrimary("s-shard-0-1");
    status.setFencedPrimaryUid("uid-9");
    shard.setStatus(status);
    shard = client.resource(shard).updateStatus();
    pod();

    control(shard).deletePod(POD, true);

    assertThat(client.pods().inNamespace(NS).withName(POD).get()).isNull();
  }

  @Test
  void theFinishedPromotionClearsTheFence() {
    PostgresShard shard = shard();
    pod();
    KubernetesShardControl control = control(shard);
    control.recordTarget("s-shard-0-1");
    control.deletePod(POD, true);

    control.recordPromotion(
        new FailoverDecision.Promote("s-shard-0-1", POD, 0, "PrimaryUnreachable", "test", false),
        1_000L);

    PostgresShardStatus status = get().getStatus();
    assertThat(status.getCurrentPrimary()).isEqualTo("s-shard-0-1");
    assertThat(status.getTargetPrimary()).isNull();
    assertThat(status.getFencedPrimary()).isNull();
    assertThat(status.getFencedPrimaryUid()).isNull();
  }

  private KubernetesShardControl control(PostgresShard shard) {
    return new KubernetesShardControl(
        client,
        shard,
        client.pods().inNamespace(NS).list().getItems(),
        new KubernetesEvents(client, Clock.systemUTC()),
        new FailoverMetrics(new SimpleMeterRegistry()),
        0L);
  }

  private PostgresShard shard() {
    PostgresShard shard = new PostgresShard();
    shard.getMetadata().setName("s-shard-0");
    shard.getMetadata().setNamespace(NS);
    PostgresShardSpec spec = new PostgresShardSpec();
    spec.setClusterName("s");
    shard.setSpec(spec);
    PostgresShard created = client.resource(shard).create();
    created.setStatus(new PostgresShardStatus());
    created.getStatus().setCurrentPrimary(POD);
    return client.resource(created).updateStatus();
  }

  private PostgresShard get() {
    return client.resources(PostgresShard.class).inNamespace(NS).withName("s-shard-0").get();
  }

  /** A pod of the name, as the StatefulSet creates it (the API server gives it a new UID). */
  private Pod pod() {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(POD)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("postgres")
                .withImage("postgres:15")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }
}
