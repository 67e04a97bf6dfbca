package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.Map;

/** The Services of a shard. Each method builds one object, named as in docs/architecture.md. */
public final class Services {

  private Services() {}

  /** Headless {@code <shard>-pods}: stable DNS for every instance, ready or not. */
  public static Service pods(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return build(
        shard,
        ResourceNames.podsService(n.shard()),
        Labels.instanceSelector(n.cluster(), n.shard()),
        true,
        Labels.Component.SHARD);
  }

  /** {@code <shard>-rw}: the pod labelled primary (empty while there is none). */
  public static Service primary(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return build(
        shard,
        ResourceNames.primaryService(n.shard()),
        Labels.roleSelector(n.cluster(), n.shard(), Labels.ROLE_PRIMARY),
        false,
        Labels.Component.SHARD);
  }

  /** {@code <shard>-ro}: the pods labelled replica. */
  public static Service replicas(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return build(
        shard,
        ResourceNames.replicaService(n.shard()),
        Labels.roleSelector(n.cluster(), n.shard(), Labels.ROLE_REPLICA),
        false,
        Labels.Component.SHARD);
  }

  /** {@code <shard>-pooler}: the shard's PgBouncer pods. */
  public static Service pooler(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return build(
        shard,
        ResourceNames.pooler(n.shard()),
        Labels.poolerSelector(n.cluster(), n.shard()),
        false,
        Labels.Component.POOLER);
  }

  private static Service build(
      PostgresShard shard,
      String name,
      Map<String, String> selector,
      boolean headless,
      Labels.Component component) {
    ShardNaming n = ShardNaming.of(shard);
    ServiceBuilder builder =
        new ServiceBuilder()
            .withMetadata(
                Owned.meta(shard, name, Labels.forShard(n.cluster(), n.shard(), component)))
            .withNewSpec()
            .withSelector(selector)
            .addNewPort()
            .withName("postgres")
            .withPort(ShardStatefulSetModel.POSTGRES_PORT)
            .withNewTargetPort(ShardStatefulSetModel.POSTGRES_PORT)
            .withProtocol("TCP")
            .endPort()
            .endSpec();
    if (headless) {
      builder.editSpec().withClusterIP("None").withPublishNotReadyAddresses(true).endSpec();
    } else {
      builder.editSpec().withType("ClusterIP").endSpec();
    }
    return builder.build();
  }
}
