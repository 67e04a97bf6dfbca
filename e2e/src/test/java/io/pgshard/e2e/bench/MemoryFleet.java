package io.pgshard.e2e.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Samples;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ShardedClusters of the memory benchmark: {@code samples/minimal.yaml} with {@code shards: 4},
 * named {@code mem-001}, {@code mem-002}, ... in one namespace, and the check that the operator has
 * created every PostgresShard and every shard's StatefulSet, Services, ConfigMaps and pooler
 * Deployment (no pods run, so no shard becomes ready; the objects are what the operator owes).
 */
final class MemoryFleet {

  static final int SHARDS_PER_CLUSTER = 4;

  private final KubernetesClient client;
  private final String namespace;
  private final List<String> clusters = new ArrayList<>();

  MemoryFleet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  int clusters() {
    return clusters.size();
  }

  /** Creates clusters until there are {@code total}. */
  void growTo(int total) {
    while (clusters.size() < total) {
      String name = String.format(Locale.ROOT, "mem-%03d", clusters.size() + 1);
      ShardedCluster cluster = Samples.cluster(client, "minimal.yaml");
      cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
      cluster.getSpec().setShards(SHARDS_PER_CLUSTER);
      client.resource(cluster).inNamespace(namespace).create();
      clusters.add(name);
    }
  }

  /** The objects the operator has yet to create, as {@code kind/name}; empty when converged. */
  List<String> missing() {
    Set<String> present = new HashSet<>();
    for (Class<? extends HasMetadata> kind :
        List.of(
            PostgresShard.class,
            StatefulSet.class,
            Deployment.class,
            Service.class,
            ConfigMap.class)) {
      present.addAll(names(kind));
    }
    List<String> missing = new ArrayList<>();
    for (String expected : expected()) {
      if (!present.contains(expected)) {
        missing.add(expected);
      }
    }
    return missing;
  }

  /** PostgresShards of the fleet's clusters that exist now. */
  int postgresShards() {
    Set<String> names = names(PostgresShard.class);
    return (int) expected().stream().filter(names::contains).count();
  }

  private List<String> expected() {
    List<String> expected = new ArrayList<>();
    for (String cluster : clusters) {
      expected.add("ConfigMap/" + ResourceNames.shardMap(cluster));
      for (int i = 0; i < SHARDS_PER_CLUSTER; i++) {
        String shard = ResourceNames.shard(cluster, i);
        expected.add("PostgresShard/" + shard);
        expected.add("StatefulSet/" + ResourceNames.statefulSet(shard));
        expected.add("Deployment/" + ResourceNames.pooler(shard));
        expected.add("Service/" + ResourceNames.podsService(shard));
        expected.add("Service/" + ResourceNames.primaryService(shard));
        expected.add("Service/" + ResourceNames.replicaService(shard));
        expected.add("Service/" + ResourceNames.pooler(shard));
        expected.add("ConfigMap/" + ResourceNames.configMap(shard));
        expected.add("ConfigMap/" + ResourceNames.stateConfigMap(shard));
        expected.add("ConfigMap/" + ResourceNames.pooler(shard));
      }
    }
    return expected;
  }

  private Set<String> names(Class<? extends HasMetadata> kind) {
    return client.resources(kind).inNamespace(namespace).list().getItems().stream()
        .map(o -> kind.getSimpleName() + "/" + o.getMetadata().getName())
        .collect(Collectors.toSet());
  }
}
