package io.pgshard.operator.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * Why a shard's restore from backups failed, in {@code backup.sh restore}'s own words: it writes
 * them to the container's termination message ({@code /dev/termination-log}), which the kubelet
 * keeps in the pod's status as the container's last state.
 */
public final class RestoreFailures {

  /** How backup.sh starts such a message. */
  public static final String PREFIX = "pgshard-restore:";

  private RestoreFailures() {}

  /** The first restore failure among the pods' last container terminations, prefix removed. */
  public static Optional<String> of(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .map(c -> c.getLastState() == null ? null : c.getLastState().getTerminated())
        .filter(t -> t != null && t.getMessage() != null)
        .map(t -> t.getMessage().strip())
        .filter(m -> m.startsWith(PREFIX))
        .map(m -> m.substring(PREFIX.length()).strip())
        .findFirst();
  }
}
