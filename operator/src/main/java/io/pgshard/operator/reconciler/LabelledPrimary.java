package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import java.util.Optional;

/**
 * The shard's labelled primary pod, read from the API (not the informer cache) by work that runs
 * outside the shard's reconcile: a backup's thread, the cluster's restore point.
 */
final class LabelledPrimary {

  private LabelledPrimary() {}

  /** The labelled primary that is not being deleted and has an address. */
  static Optional<Pod> of(KubernetesClient client, PostgresShard shard, boolean mustBeReady) {
    return client
        .pods()
        .inNamespace(shard.getMetadata().getNamespace())
        .withLabels(
            Labels.roleSelector(
                shard.getSpec().getClusterName(),
                shard.getMetadata().getName(),
                Labels.ROLE_PRIMARY))
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .filter(p -> !mustBeReady || PodReadiness.isReady(p))
        .findFirst();
  }
}
