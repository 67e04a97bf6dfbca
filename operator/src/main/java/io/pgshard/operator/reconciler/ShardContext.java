package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardConfigMaps;
import io.pgshard.operator.model.SpecProblem;
import io.pgshard.operator.monitor.ProbeLoops;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.status.ShardObservation;
import java.util.List;
import java.util.Optional;

/**
 * What a shard's reconcile reads of the shard from its informers: its pods, whether it was ever
 * initialized, and the observation its status is computed from.
 */
final class ShardContext {

  private ShardContext() {}

  static List<Pod> pods(PostgresShard shard, Context<PostgresShard> context) {
    String name = shard.getMetadata().getName();
    return context
        .getSecondaryResourcesAsStream(Pod.class)
        .filter(p -> ResourceNames.ordinalOf(name, p.getMetadata().getName()) >= 0)
        .toList();
  }

  static boolean initialized(PostgresShard shard, Context<PostgresShard> context) {
    return (shard.getStatus() != null && shard.getStatus().getCurrentPrimary() != null)
        || stateSaysInitialized(shard, context);
  }

  static boolean stateSaysInitialized(PostgresShard shard, Context<PostgresShard> context) {
    String name = ResourceNames.stateConfigMap(shard.getMetadata().getName());
    return context
        .getSecondaryResourcesAsStream(ConfigMap.class)
        .filter(c -> c.getMetadata().getName().equals(name))
        .anyMatch(ShardConfigMaps::isInitialized);
  }

  static ShardObservation observe(
      PostgresShard shard,
      Context<PostgresShard> context,
      List<SpecProblem> problems,
      FailoverDecision decision,
      Optional<ProbeLoops.Snapshot> probed,
      MaintenanceStep.Outcome maintenance) {
    List<ShardObservation.Instance> instances =
        pods(shard, context).stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .map(
                p ->
                    new ShardObservation.Instance(
                        p.getMetadata().getName(),
                        p.getMetadata().getLabels().get(Labels.ROLE),
                        PodReadiness.isReady(p)))
            .toList();
    boolean initialized = initialized(shard, context);
    boolean poolerEnabled = shard.getSpec().getPooler().isEnabled();
    int poolerReady =
        poolerEnabled
            ? context
                .getSecondaryResource(Deployment.class)
                .map(
                    d ->
                        d.getStatus() == null || d.getStatus().getReadyReplicas() == null
                            ? 0
                            : d.getStatus().getReadyReplicas())
                .orElse(0)
            : 0;
    return new ShardObservation(
        Conditions.generation(shard),
        shard.getSpec().getReplicas() + 1,
        instances,
        initialized,
        poolerEnabled,
        shard.getSpec().getPooler().getInstances(),
        poolerReady,
        problems.stream().map(SpecProblem::toString).toList(),
        decision,
        probed.map(ProbeLoops.Snapshot::shard).orElse(null),
        probed.map(ProbeLoops.Snapshot::at).orElse(null),
        shard.getSpec().getPartitions().size(),
        maintenance == null ? null : maintenance.partitions(),
        shard.getSpec().getSchema() != null
            && shard.getSpec().getSchema().getConfigMapRef() != null,
        maintenance == null ? null : maintenance.schema());
  }
}
