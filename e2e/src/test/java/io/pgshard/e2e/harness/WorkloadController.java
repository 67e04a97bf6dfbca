package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Owned;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Pause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The part of kube-controller-manager the mock API server lacks, for the local end-to-end harness:
 * StatefulSets and Deployments become Pods (a StatefulSet's pods get their claims from the claim
 * templates, are created again when deleted, and go highest ordinal first on scale-down; claims
 * stay), their status counts ready pods, and objects whose owner is gone are deleted (garbage
 * collection by owner reference). It works by listing every {@code period}: simple, and plenty for
 * a few dozen objects.
 */
public final class WorkloadController implements AutoCloseable {

  /** Marks the pods a Deployment owns (the harness has no ReplicaSets). */
  public static final String DEPLOYMENT_LABEL = "harness.pgshard.io/deployment";

  private final KubernetesClient client;
  private final Thread loop;
  private volatile boolean stopped;

  private WorkloadController(KubernetesClient client, long periodMillis) {
    this.client = client;
    this.loop =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  tick();
                } catch (KubernetesClientException e) {
                  // an object changed under us (409) or went away (404): look again next tick
                } catch (IllegalStateException e) {
                  // the client was closed under a pass that had begun: the harness is stopping
                  if (stopped) {
                    return;
                  }
                  throw e;
                }
                Pause.millis(periodMillis);
              }
            },
            "harness-workload-controller");
    loop.setDaemon(true);
  }

  public static WorkloadController start(KubernetesClient client, long periodMillis) {
    WorkloadController controller = new WorkloadController(client, periodMillis);
    controller.loop.start();
    return controller;
  }

  /** One pass over every StatefulSet, Deployment and owned object. */
  public synchronized void tick() {
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
      statefulSet(sts, pods);
    }
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      deployment(d, pods);
    }
    collectGarbage();
  }

  private void statefulSet(StatefulSet sts, List<Pod> all) {
    String ns = sts.getMetadata().getNamespace();
    String name = sts.getMetadata().getName();
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    List<Pod> owned = ownedBy(all, sts);
    Set<String> names =
        owned.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    for (int i = 0; i < replicas; i++) {
      String podName = name + "-" + i;
      if (names.contains(podName)) {
        continue;
      }
      List<Volume> claims = new ArrayList<>();
      for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
        String claim = template.getMetadata().getName() + "-" + podName;
        if (client.persistentVolumeClaims().inNamespace(ns).withName(claim).get() == null) {
          PersistentVolumeClaim pvc =
              new PersistentVolumeClaimBuilder(template)
                  .editMetadata()
                  .withName(claim)
                  .withNamespace(ns)
                  .addToLabels(sts.getSpec().getSelector().getMatchLabels())
                  .endMetadata()
                  .build();
          if (deletesClaims(sts)) {
            // as the StatefulSet controller does for whenDeleted: Delete: the claim goes with it
            pvc.getMetadata().setOwnerReferences(List.of(Owned.reference(sts)));
          }
          client.persistentVolumeClaims().inNamespace(ns).resource(pvc).create();
        }
        claims.add(
            new VolumeBuilder()
                .withName(template.getMetadata().getName())
                .withNewPersistentVolumeClaim()
                .withClaimName(claim)
                .endPersistentVolumeClaim()
                .build());
      }
      PodSpec spec = Serialization.clone(sts.getSpec().getTemplate().getSpec());
      spec.getVolumes().addAll(claims);
      spec.setHostname(podName);
      spec.setSubdomain(sts.getSpec().getServiceName());
      create(
          ns, podName, sts.getSpec().getTemplate().getMetadata().getLabels(), Map.of(), spec, sts);
    }
    for (Pod pod : owned) {
      if (ResourceNames.ordinalOf(name, pod.getMetadata().getName()) >= replicas) {
        client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).delete();
      }
    }
    int ready = (int) owned.stream().filter(WorkloadController::ready).count();
    if (sts.getStatus() == null
        || !Integer.valueOf(ready).equals(sts.getStatus().getReadyReplicas())
        || !Integer.valueOf(owned.size()).equals(sts.getStatus().getReplicas())) {
      sts.setStatus(
          new StatefulSetStatusBuilder()
              .withReplicas(owned.size())
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .withObservedGeneration(sts.getMetadata().getGeneration())
              .build());
      client.apps().statefulSets().inNamespace(ns).resource(sts).updateStatus();
    }
  }

  private static boolean deletesClaims(StatefulSet sts) {
    var policy = sts.getSpec().getPersistentVolumeClaimRetentionPolicy();
    return policy != null && "Delete".equals(policy.getWhenDeleted());
  }

  private void deployment(Deployment d, List<Pod> all) {
    String ns = d.getMetadata().getNamespace();
    String name = d.getMetadata().getName();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    List<Pod> owned = ownedBy(all, d);
    // a changed template replaces every pod (the harness's whole rollout strategy)
    String template =
        Integer.toHexString(Serialization.asJson(d.getSpec().getTemplate()).hashCode());
    for (Pod pod : owned) {
      if (!template.equals(pod.getMetadata().getLabels().get("pod-template-hash"))) {
        client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).delete();
      }
    }
    List<Pod> current =
        owned.stream()
            .filter(p -> template.equals(p.getMetadata().getLabels().get("pod-template-hash")))
            .toList();
    for (int i = current.size(); i < replicas; i++) {
      String podName = name + "-" + template + "-" + suffix();
      create(
          ns,
          podName,
          d.getSpec().getTemplate().getMetadata().getLabels(),
          Map.of(DEPLOYMENT_LABEL, name, "pod-template-hash", template),
          Serialization.clone(d.getSpec().getTemplate().getSpec()),
          d);
    }
    for (int i = replicas; i < current.size(); i++) {
      client.pods().inNamespace(ns).withName(current.get(i).getMetadata().getName()).delete();
    }
    int ready = (int) current.stream().filter(WorkloadController::ready).count();
    if (d.getStatus() == null
        || !Integer.valueOf(ready).equals(d.getStatus().getReadyReplicas())
        || !Integer.valueOf(current.size()).equals(d.getStatus().getReplicas())) {
      d.setStatus(
          new DeploymentStatusBuilder()
              .withReplicas(current.size())
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .withObservedGeneration(d.getMetadata().getGeneration())
              .build());
      client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
    }
  }

  private void create(
      String ns,
      String name,
      Map<String, String> labels,
      Map<String, String> extraLabels,
      PodSpec spec,
      HasMetadata owner) {
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .addToLabels(extraLabels)
                .withOwnerReferences(Owned.reference(owner))
                .endMetadata()
                .withSpec(spec)
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build())
        .create();
  }

  /**
   * Deletes what an owner reference points away from: objects whose owners (by uid) all no longer
   * exist. The kinds are those pgshard creates and owns.
   */
  private void collectGarbage() {
    Set<String> uids = new HashSet<>();
    List<Supplier<List<? extends HasMetadata>>> owners =
        List.of(
            () -> client.resources(ShardedCluster.class).inAnyNamespace().list().getItems(),
            () -> client.resources(PostgresShard.class).inAnyNamespace().list().getItems(),
            () -> client.apps().statefulSets().inAnyNamespace().list().getItems(),
            () -> client.apps().deployments().inAnyNamespace().list().getItems());
    for (var list : owners) {
      list.get().forEach(o -> uids.add(o.getMetadata().getUid()));
    }
    List<List<? extends HasMetadata>> owned =
        List.of(
            client.resources(PostgresShard.class).inAnyNamespace().list().getItems(),
            client.apps().statefulSets().inAnyNamespace().list().getItems(),
            client.apps().deployments().inAnyNamespace().list().getItems(),
            client.pods().inAnyNamespace().list().getItems(),
            client.services().inAnyNamespace().list().getItems(),
            client.configMaps().inAnyNamespace().list().getItems(),
            client.secrets().inAnyNamespace().list().getItems(),
            client.persistentVolumeClaims().inAnyNamespace().list().getItems(),
            client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems());
    for (List<? extends HasMetadata> list : owned) {
      for (HasMetadata o : list) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (!refs.isEmpty() && refs.stream().noneMatch(r -> uids.contains(r.getUid()))) {
          client.resource(o).delete();
        }
      }
    }
  }

  private static List<Pod> ownedBy(List<Pod> pods, HasMetadata owner) {
    return pods.stream()
        .filter(p -> p.getMetadata().getNamespace().equals(owner.getMetadata().getNamespace()))
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(r -> r.getUid().equals(owner.getMetadata().getUid())))
        .toList();
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String suffix() {
    String letters = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(letters.charAt(ThreadLocalRandom.current().nextInt(letters.length())));
    }
    return s.toString();
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
