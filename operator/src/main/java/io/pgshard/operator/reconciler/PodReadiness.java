package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;

/** Whether the kubelet reports a pod Ready. */
final class PodReadiness {

  private PodReadiness() {}

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
