package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.testing.Pause;
import java.nio.file.Path;
import java.util.Map;

/**
 * A dynamic provisioner for the process kubelet's node: each Pending claim gets a hostPath
 * PersistentVolume bound to it (claimRef set, as provisioners do), so that the scheduler's volume
 * binding and the PV controller do their real work. The data lives in the kubelet's claim
 * directory, which it deletes once the claim is gone; a Released volume is deleted here.
 */
final class VolumeProvisioner implements AutoCloseable {

  static final String LABEL = "pgshard.io/harness-provisioned";
  private static final long TICK_MILLIS = 300;

  private final KubernetesClient client;
  private final Path claimsDir;
  private final Thread loop;
  private volatile boolean stopped;

  VolumeProvisioner(KubernetesClient client, Path claimsDir) {
    this.client = client;
    this.claimsDir = claimsDir;
    this.loop = new Thread(this::run, "harness-provisioner");
    loop.setDaemon(true);
    loop.start();
  }

  private void run() {
    while (!stopped) {
      try {
        client.persistentVolumeClaims().inAnyNamespace().list().getItems().stream()
            .filter(
                c -> c.getSpec().getVolumeName() == null || c.getSpec().getVolumeName().isEmpty())
            .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
            .forEach(this::provision);
        client.persistentVolumes().withLabel(LABEL).list().getItems().stream()
            .filter(v -> v.getStatus() != null && "Released".equals(v.getStatus().getPhase()))
            .forEach(v -> client.persistentVolumes().resource(v).delete());
      } catch (KubernetesClientException e) {
        // look again on the next pass
      } catch (IllegalStateException e) {
        // the client was closed under a pass that had begun: the harness is stopping
        if (stopped) {
          return;
        }
        throw e;
      }
      Pause.millis(TICK_MILLIS);
    }
  }

  private void provision(PersistentVolumeClaim claim) {
    String ns = claim.getMetadata().getNamespace();
    String name = claim.getMetadata().getName();
    PersistentVolume volume =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName("pv-" + claim.getMetadata().getUid())
            .withLabels(Map.of(LABEL, "true"))
            .endMetadata()
            .withNewSpec()
            .withCapacity(claim.getSpec().getResources().getRequests())
            .withAccessModes(claim.getSpec().getAccessModes())
            .withStorageClassName(claim.getSpec().getStorageClassName())
            .withPersistentVolumeReclaimPolicy("Retain")
            .withNewHostPath()
            .withPath(PodVolumes.claimPath(claimsDir, ns, name).toString())
            .withType("")
            .endHostPath()
            .withNewClaimRef()
            .withNamespace(ns)
            .withName(name)
            .withUid(claim.getMetadata().getUid())
            .endClaimRef()
            .endSpec()
            .build();
    try {
      client.persistentVolumes().resource(volume).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
  }
}
