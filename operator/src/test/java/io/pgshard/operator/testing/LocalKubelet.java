package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardConfigMaps;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The StatefulSet controller and a kubelet for one shard, on local processes: each started ordinal
 * runs as a {@link LocalPod} and appears in the API as a Pod with its loopback IP, Ready as its own
 * readiness probe says; the rw Service follows the pod labelled primary; a pod the operator deletes
 * is stopped and created again (as the StatefulSet would), starting with the state ConfigMap as the
 * API holds it. A stand-in for what cannot run here, named as such; the local end-to-end harness
 * generalizes it.
 */
public final class LocalKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String shardName;
  private final LocalShard shard;
  private final Set<Integer> running = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Boolean> reportedReady = new ConcurrentHashMap<>();
  private final Set<Integer> crashed = ConcurrentHashMap.newKeySet();
  private final Thread loop;
  private volatile boolean stopped;

  public LocalKubelet(
      KubernetesClient client, String namespace, String shardName, LocalShard shard) {
    this.client = client;
    this.namespace = namespace;
    this.shardName = shardName;
    this.shard = shard;
    this.loop = new Thread(this::loop, "local-kubelet-" + shardName);
    this.loop.setDaemon(true);
    this.loop.start();
  }

  /** Creates the pod of {@code ordinal} and starts its container. */
  public synchronized void start(int ordinal) {
    shard.startInstance(ordinal, initialized());
    StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(shardName).get();
    createPod(
        ResourceNames.pod(shardName, ordinal),
        sts.getSpec().getTemplate(),
        shard.ip(ordinal),
        false);
    reportedReady.put(ordinal, false);
    running.add(ordinal);
  }

  /**
   * Runs the shard's PgBouncer (one pod of the pooler Deployment the operator created) and reports
   * it Ready at its address.
   */
  public synchronized String startPooler() {
    Deployment deployment =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(ResourceNames.pooler(shardName))
            .get();
    shard.startPooler(0);
    createPod(
        ResourceNames.pooler(shardName) + "-local",
        deployment.getSpec().getTemplate(),
        shard.poolerIp(),
        true);
    return shard.poolerIp();
  }

  /** A running Pod from a workload's template, at {@code ip}. */
  private void createPod(String name, PodTemplateSpec template, String ip, boolean ready) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels())
                .endMetadata()
                .withSpec(template.getSpec())
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ip)
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  /**
   * kill -9 of the container, and no restart: the node it ran on is gone. The pod object stays
   * until someone deletes it.
   */
  public void crash(int ordinal) {
    crashed.add(ordinal);
    shard.pod(ordinal).kill();
  }

  private boolean initialized() {
    ConfigMap state =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(ResourceNames.stateConfigMap(shardName))
            .get();
    return ShardConfigMaps.isInitialized(state);
  }

  private void loop() {
    while (!stopped) {
      try {
        tick();
      } catch (RuntimeException e) {
        // the API or a process is between states: look again
      }
      Pause.millis(200);
    }
  }

  private synchronized void tick() {
    Integer primary = null;
    for (int ordinal : Set.copyOf(running)) {
      String name = ResourceNames.pod(shardName, ordinal);
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod == null) {
        // deleted (fenced): stop what is left and let the StatefulSet create it again
        running.remove(ordinal);
        crashed.remove(ordinal);
        shard.pod(ordinal).close();
        start(ordinal);
        continue;
      }
      if (Labels.ROLE_PRIMARY.equals(pod.getMetadata().getLabels().get(Labels.ROLE))) {
        primary = ordinal;
      }
      boolean ready = !crashed.contains(ordinal) && shard.isReady(ordinal);
      if (!Boolean.valueOf(ready).equals(reportedReady.get(ordinal))) {
        pod.getStatus().getConditions().get(0).setStatus(ready ? "True" : "False");
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
        reportedReady.put(ordinal, ready);
      }
    }
    shard.pointRwAt(primary);
  }

  @Override
  public void close() {
    stopped = true;
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
