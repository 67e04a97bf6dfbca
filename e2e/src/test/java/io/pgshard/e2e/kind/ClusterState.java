package io.pgshard.e2e.kind;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.InstanceStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What the API server says about one ShardedCluster: its status, its shards' status, which pod
 * carries the primary label; and what a user does to it (annotate, port-forward a pooler).
 */
final class ClusterState {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  ClusterState(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  String name() {
    return name;
  }

  ShardedCluster cluster() {
    return client.resources(ShardedCluster.class).inNamespace(namespace).withName(name).get();
  }

  String phase() {
    ShardedCluster c = cluster();
    return c == null || c.getStatus() == null ? null : c.getStatus().getPhase();
  }

  /** The shard names the spec asks for. */
  List<String> shards() {
    return IntStream.range(0, cluster().getSpec().getShards())
        .mapToObj(i -> ResourceNames.shard(name, i))
        .toList();
  }

  PostgresShard shard(String shard) {
    return client.resources(PostgresShard.class).inNamespace(namespace).withName(shard).get();
  }

  /** The one pod labelled primary in the shard; null when none or more than one is. */
  String primaryPod(String shard) {
    List<String> primaries =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(Labels.roleSelector(name, shard, Labels.ROLE_PRIMARY))
            .list()
            .getItems()
            .stream()
            .map(p -> p.getMetadata().getName())
            .toList();
    return primaries.size() == 1 ? primaries.get(0) : null;
  }

  String roleLabel(String pod) {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    return p == null ? null : p.getMetadata().getLabels().get(Labels.ROLE);
  }

  /**
   * The shard's status shows the labelled primary and {@code spec.replicas} standbys, every one
   * ready, on the primary's timeline and receiving WAL from it.
   */
  boolean streaming(String shard) {
    int replicas = cluster().getSpec().getReplicas();
    List<InstanceStatus> instances = instances(shard);
    List<InstanceStatus> primaries =
        instances.stream()
            .filter(i -> Labels.ROLE_PRIMARY.equals(i.getRole()) && i.isReady())
            .toList();
    if (instances.size() != replicas + 1
        || primaries.size() != 1
        || !primaries.get(0).getName().equals(primaryPod(shard))) {
      return false;
    }
    Long timeline = primaries.get(0).getTimeline();
    return instances.stream()
            .filter(i -> Labels.ROLE_REPLICA.equals(i.getRole()) && i.isReady())
            .filter(i -> i.getReceiveLsn() != null && Objects.equals(i.getTimeline(), timeline))
            .count()
        == replicas;
  }

  /** Pod names of the shard's ready standbys, as its status lists them. */
  List<String> readyReplicas(String shard) {
    return instances(shard).stream()
        .filter(i -> Labels.ROLE_REPLICA.equals(i.getRole()) && i.isReady())
        .map(InstanceStatus::getName)
        .toList();
  }

  boolean conditionTrue(String shard, String type) {
    PostgresShard s = shard(shard);
    return s != null
        && s.getStatus() != null
        && Conditions.isTrue(s.getStatus().getConditions(), type);
  }

  String annotation(String shard, String key) {
    Map<String, String> annotations = shard(shard).getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** As {@code kubectl annotate postgresshard <shard> key=value}. */
  void annotate(String shard, String key, String value) {
    client
        .resources(PostgresShard.class)
        .inNamespace(namespace)
        .withName(shard)
        .edit(
            s -> {
              Map<String, String> annotations =
                  s.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(s.getMetadata().getAnnotations());
              annotations.put(key, value);
              s.getMetadata().setAnnotations(annotations);
              return s;
            });
  }

  PoolerForward pooler(String shard) {
    return PoolerForward.open(
        client, namespace, name, cluster().getSpec().getDatabase().getName(), shard);
  }

  private List<InstanceStatus> instances(String shard) {
    PostgresShard s = shard(shard);
    return s == null || s.getStatus() == null ? List.of() : s.getStatus().getInstances();
  }
}
