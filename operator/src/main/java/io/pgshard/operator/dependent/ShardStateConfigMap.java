package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardConfigMaps;

/**
 * The state ConfigMap. {@code initialized} is set once the shard has a primary and is never taken
 * back, so an instance with an empty volume clones instead of running initdb again.
 */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false)
public class ShardStateConfigMap extends CRUDKubernetesDependentResource<ConfigMap, PostgresShard> {

  public ShardStateConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(PostgresShard shard, Context<PostgresShard> context) {
    // looked up by name: getSecondaryResource() would ask desired() for the name, recursively
    String name = ResourceNames.stateConfigMap(shard.getMetadata().getName());
    boolean initialized =
        context
                .getSecondaryResourcesAsStream(ConfigMap.class)
                .filter(c -> name.equals(c.getMetadata().getName()))
                .anyMatch(ShardConfigMaps::isInitialized)
            || (shard.getStatus() != null
                && (shard.getStatus().getCurrentPrimary() != null
                    // a promotion on record: the first primary exists (its initdb is done), and
                    // the reconcile that records it as current may be the last for a while
                    || shard.getStatus().getTargetPrimary() != null));
    return ShardConfigMaps.state(shard, initialized);
  }
}
