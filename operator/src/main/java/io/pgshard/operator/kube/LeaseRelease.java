package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up the leader Lease on a clean stop. JOSDK never releases it (its elector does not release
 * on cancel), so a follower would wait out the whole lease duration after every rollout or drain;
 * an empty holder lets it take over at its next retry. Called only after reconciling has stopped.
 */
public final class LeaseRelease {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  public static void release(
      KubernetesClient client, String namespace, String name, String identity) {
    String ns = namespace != null ? namespace : client.getNamespace();
    try {
      Lease lease = client.leases().inNamespace(ns).withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      // a replace with the resourceVersion read: if a renewal raced this, the 409 leaves it be
      client.resource(lease).update();
      LOG.info("released the leader Lease {}/{}", ns, name);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release the leader Lease {}/{}: {}", ns, name, e.getMessage());
    }
  }
}
