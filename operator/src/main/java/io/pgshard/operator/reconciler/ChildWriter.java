package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.JsonEquality;
import java.util.Map;
import java.util.Objects;

/**
 * Creates or updates the ShardedCluster's children (PostgresShards, the shard map). Writes only
 * when the desired content differs from what the informer cache holds, so a steady-state reconcile
 * writes nothing. It never deletes: removing a shard is not something a spec edit does.
 */
class ChildWriter {

  private final KubernetesClient client;

  ChildWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Returns true when it wrote. */
  boolean apply(PostgresShard desired, PostgresShard actual) {
    if (actual == null) {
      client.resource(desired).create();
      return true;
    }
    if (JsonEquality.same(desired.getSpec(), actual.getSpec()) && labelsPresent(desired, actual)) {
      return false;
    }
    PostgresShard next = copy(actual, PostgresShard.class);
    next.setSpec(desired.getSpec());
    next.getMetadata().getLabels().putAll(desired.getMetadata().getLabels());
    client.resource(next).update();
    return true;
  }

  boolean apply(ConfigMap desired, ConfigMap actual) {
    if (actual == null) {
      client.resource(desired).create();
      return true;
    }
    if (Objects.equals(desired.getData(), actual.getData()) && labelsPresent(desired, actual)) {
      return false;
    }
    ConfigMap next = copy(actual, ConfigMap.class);
    next.setData(desired.getData());
    next.getMetadata().getLabels().putAll(desired.getMetadata().getLabels());
    client.resource(next).update();
    return true;
  }

  /** The cached object must not be modified: copy it, keeping its resourceVersion. */
  private <T extends HasMetadata> T copy(T cached, Class<T> type) {
    return client.getKubernetesSerialization().clone(cached);
  }

  private static boolean labelsPresent(HasMetadata desired, HasMetadata actual) {
    Map<String, String> have = actual.getMetadata().getLabels();
    return have != null
        && have.entrySet().containsAll(desired.getMetadata().getLabels().entrySet());
  }
}
