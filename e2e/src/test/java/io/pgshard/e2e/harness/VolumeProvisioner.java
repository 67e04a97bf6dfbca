package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
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
 *
 * <p>It also stands in for the external resizer and the kubelet's filesystem resize (a fake: the
 * volume is a directory, whose size is the node's disk): a bound claim whose request the API server
 * let grow (only a claim of {@link #EXPANDABLE}, the StorageClass with allowVolumeExpansion, gets
 * through its resize admission) has its volume's and its own capacity raised to the request.
 */
final class VolumeProvisioner implements AutoCloseable {

  static final String LABEL = "pgshard.io/harness-provisioned";

  /** The StorageClass whose claims may grow (allowVolumeExpansion); not the default. */
  public static final String EXPANDABLE = "expandable";

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
        client.persistentVolumeClaims().inAnyNamespace().list().getItems().stream()
            .filter(VolumeProvisioner::grown)
            .forEach(this::resize);
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

  /** A bound claim whose request is above its capacity. */
  private static boolean grown(PersistentVolumeClaim claim) {
    if (claim.getStatus() == null
        || claim.getStatus().getCapacity() == null
        || claim.getSpec().getResources().getRequests() == null) {
      return false;
    }
    Quantity capacity = claim.getStatus().getCapacity().get("storage");
    Quantity request = claim.getSpec().getResources().getRequests().get("storage");
    return capacity != null
        && request != null
        && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(capacity)) > 0;
  }

  private void resize(PersistentVolumeClaim claim) {
    Quantity request = claim.getSpec().getResources().getRequests().get("storage");
    PersistentVolume volume =
        client.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
    if (volume != null) {
      volume.getSpec().getCapacity().put("storage", request);
      client.persistentVolumes().resource(volume).update();
    }
    claim.getStatus().getCapacity().put("storage", request);
    client.persistentVolumeClaims().resource(claim).updateStatus();
  }

  /** The StorageClass {@link #EXPANDABLE}, created once per control plane. */
  static void createExpandableClass(KubernetesClient client) {
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName(EXPANDABLE)
                .endMetadata()
                .withProvisioner("pgshard.io/harness")
                .withAllowVolumeExpansion(true)
                .withVolumeBindingMode("Immediate")
                .withReclaimPolicy("Retain")
                .build())
        .create();
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
  }
}
