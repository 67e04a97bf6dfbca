package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;

/**
 * A stand-in for the StatefulSet controller, the Deployment controller and the kubelet, which the
 * mock API server does not run: it creates a StatefulSet's pods (and claims) from its template and
 * reports them ready, and reports a Deployment's replicas ready. A fake, named as such; the local
 * end-to-end harness replaces it with real processes.
 */
public final class SimulatedControllers {

  private final KubernetesClient client;

  public SimulatedControllers(KubernetesClient client) {
    this.client = client;
  }

  /** Creates every pod of the StatefulSet, Ready, and labels {@code primaryOrdinal} primary. */
  public void runStatefulSet(String namespace, String name, int primaryOrdinal) {
    StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    for (int i = 0; i < sts.getSpec().getReplicas(); i++) {
      String podName = ResourceNames.pod(name, i);
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(podName)
              .withNamespace(namespace)
              .withLabels(sts.getSpec().getTemplate().getMetadata().getLabels())
              .addToLabels(
                  Labels.ROLE, i == primaryOrdinal ? Labels.ROLE_PRIMARY : Labels.ROLE_REPLICA)
              .endMetadata()
              .withSpec(sts.getSpec().getTemplate().getSpec())
              .withNewStatus()
              .withPhase("Running")
              // loopback where nothing listens: probes are refused at once, never leave the machine
              .withPodIP("127.0.99." + (i + 10))
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition()
              .endStatus()
              .build();
      client.pods().inNamespace(namespace).resource(pod).createOr(existing -> existing.update());
      client
          .persistentVolumeClaims()
          .inNamespace(namespace)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(ResourceNames.DATA_VOLUME + "-" + podName)
                  .withNamespace(namespace)
                  .withLabels(
                      sts.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getLabels())
                  .endMetadata()
                  .withSpec(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec())
                  .build())
          .createOr(existing -> existing.update());
    }
  }

  /** Reports every replica of the Deployment ready. */
  public void runDeployment(String namespace, String name) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    d.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(d.getSpec().getReplicas())
            .withReadyReplicas(d.getSpec().getReplicas())
            .withAvailableReplicas(d.getSpec().getReplicas())
            .build());
    client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
  }
}
