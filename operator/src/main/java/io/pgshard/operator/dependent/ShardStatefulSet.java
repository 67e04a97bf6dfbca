package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardStatefulSetModel;

/** The shard's PostgreSQL StatefulSet. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class ShardStatefulSet extends CRUDKubernetesDependentResource<StatefulSet, PostgresShard> {

  public ShardStatefulSet() {
    super(StatefulSet.class);
  }

  @Override
  protected StatefulSet desired(PostgresShard shard, Context<PostgresShard> context) {
    StatefulSet desired = ShardStatefulSetModel.desired(shard, Capabilities.of(context));
    StatefulSetHolds.apply(context, desired);
    return desired;
  }
}
