package io.pgshard.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.testing.MockKubernetes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The harness's workload controller against the fabric8 mock API server (CRUD mode). */
class WorkloadControllerTest {

  static final String NS = "wl";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  MockKubernetes kube;
  KubernetesClient client;
  WorkloadController controller;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
    client = kube.client();
    controller = WorkloadController.start(client, 100);
  }

  @AfterEach
  void stop() {
    controller.close();
    kube.close();
  }

  List<String> pods() {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  StatefulSet statefulSet(int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("db")
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("db-pods")
        .withNewSelector()
        .addToMatchLabels("app", "db")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "db")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("postgres")
        .withImage("postgres:16")
        .endContainer()
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }

  @Test
  void aStatefulSetGetsOrderedPodsWithClaimsThatOutliveScaleDown() {
    client.resource(statefulSet(3)).create();

    await().atMost(TIMEOUT).until(() -> pods().equals(List.of("db-0", "db-1", "db-2")));
    Pod first = client.pods().inNamespace(NS).withName("db-0").get();
    assertThat(first.getSpec().getVolumes())
        .anyMatch(
            v ->
                v.getName().equals("data")
                    && v.getPersistentVolumeClaim().getClaimName().equals("data-db-0"));
    assertThat(first.getSpec().getHostname()).isEqualTo("db-0");
    assertThat(first.getMetadata().getLabels()).containsEntry("app", "db");

    client.apps().statefulSets().inNamespace(NS).withName("db").scale(1);
    await().atMost(TIMEOUT).until(() -> pods().equals(List.of("db-0")));
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(3);

    client.pods().inNamespace(NS).withName("db-0").delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Pod again = client.pods().inNamespace(NS).withName("db-0").get();
              return again != null
                  && !again.getMetadata().getUid().equals(first.getMetadata().getUid());
            });

    client.apps().statefulSets().inNamespace(NS).withName("db").delete();
    await().atMost(TIMEOUT).until(() -> pods().isEmpty());
    assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
        .as("claims stay when their StatefulSet goes")
        .hasSize(3);
  }

  @Test
  void aDeploymentKeepsItsReplicasAndReplacesThemWhenTheTemplateChanges() {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("pooler")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .addToMatchLabels("app", "pooler")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "pooler")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("pgbouncer")
            .withImage("pgbouncer")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(d).create();
    await().atMost(TIMEOUT).until(() -> pods().size() == 2);
    List<String> before = pods();
    assertThat(before).allMatch(n -> n.startsWith("pooler-"));

    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("pooler")
        .edit(
            x -> {
              x.getSpec().getTemplate().getMetadata().getAnnotations().put("config", "v2");
              return x;
            });
    await()
        .atMost(TIMEOUT)
        .until(() -> pods().size() == 2 && pods().stream().noneMatch(before::contains));

    client.apps().deployments().inNamespace(NS).withName("pooler").delete();
    await().atMost(TIMEOUT).until(() -> pods().isEmpty());
  }
}
