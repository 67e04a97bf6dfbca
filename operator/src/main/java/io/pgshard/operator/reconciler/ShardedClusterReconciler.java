package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterStatus;
import io.pgshard.operator.kube.ClusterSecrets;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.ClusterSecretModel.Kind;
import io.pgshard.operator.model.JsonEquality;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.PostgresShardModel;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardMapModel;
import io.pgshard.operator.model.SpecProblem;
import io.pgshard.operator.model.SpecValidator;
import io.pgshard.operator.status.ClusterStatusUpdater;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a ShardedCluster: the cluster Secrets, one PostgresShard per shard, the shard map, and
 * a status aggregated from the shards. An invalid spec changes nothing but the status.
 */
@ControllerConfiguration(
    name = ShardedClusterReconciler.NAME,
    // ClusterUpdateFilter lets spec, annotation and deletion changes through, not status writes
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ClusterUpdateFilter.class))
public class ShardedClusterReconciler
    implements Reconciler<ShardedCluster>, Cleaner<ShardedCluster> {

  public static final String NAME = "shardedcluster";
  private static final Logger LOG = LoggerFactory.getLogger(ShardedClusterReconciler.class);

  private final KubernetesClient client;
  private final ClusterSecrets secrets;
  private final ChildWriter children;
  private final ClusterStatusUpdater statusUpdater;
  private final KubernetesEvents events;
  private final Optional<RestorePointStep> restorePoints;

  /**
   * {@code restorePoints}: empty when the operator runs without access to PostgreSQL (no instance
   * monitor).
   */
  public ShardedClusterReconciler(
      KubernetesClient client,
      ClusterSecrets secrets,
      ClusterStatusUpdater statusUpdater,
      KubernetesEvents events,
      Optional<RestorePointStep> restorePoints) {
    this.restorePoints = restorePoints;
    this.client = client;
    this.secrets = secrets;
    this.children = new ChildWriter(client);
    this.statusUpdater = statusUpdater;
    this.events = events;
  }

  @Override
  public List<EventSource<?, ShardedCluster>> prepareEventSources(
      EventSourceContext<ShardedCluster> context) {
    var shards =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(PostgresShard.class, ShardedCluster.class)
                .withName("postgresshards")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ShardedCluster.class))
                .build(),
            context);
    var shardMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, ShardedCluster.class)
                .withName("shardmaps")
                .withLabelSelector(
                    Labels.MANAGED_SELECTOR
                        + ","
                        + Labels.COMPONENT
                        + "="
                        + Labels.Component.CLUSTER.value())
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ShardedCluster.class))
                .build(),
            context);
    return List.of(shards, shardMaps);
  }

  @Override
  public UpdateControl<ShardedCluster> reconcile(
      ShardedCluster cluster, Context<ShardedCluster> context) {
    try (var log = LogContext.cluster(cluster.getMetadata().getName())) {
      List<PostgresShard> existing =
          List.copyOf(context.getSecondaryResources(PostgresShard.class));
      List<SpecProblem> problems =
          new ArrayList<>(SpecValidator.validate(cluster, shardCount(existing)));
      if (problems.isEmpty()) {
        ClusterSecrets.Result credentials = secrets.ensure(cluster);
        problems.addAll(credentials.problems());
        if (problems.isEmpty()) {
          applyShards(cluster, existing, credentials.usernames());
          applyShardMap(cluster, context);
        }
      }
      return updateStatus(cluster, context, existing, problems);
    }
  }

  /** Shards are never removed, so the highest index that exists tells how many there are. */
  private static int shardCount(List<PostgresShard> existing) {
    return existing.stream().mapToInt(s -> s.getSpec().getIndex() + 1).max().orElse(0);
  }

  private void applyShards(
      ShardedCluster cluster, List<PostgresShard> existing, Map<Kind, String> usernames) {
    int before = shardCount(existing);
    if (before > 0 && cluster.getSpec().getShards() > before) {
      // ranges are i*2^64/N: a new N moves every boundary, and no rows move with them
      events.warning(
          cluster,
          Reasons.HASH_RANGES_CHANGED,
          "shards raised from "
              + before
              + " to "
              + cluster.getSpec().getShards()
              + ": every shard's hash range changes and pgshard does not move rows;"
              + " keys already written stay on the shard that held their old range");
    }
    for (int i = 0; i < cluster.getSpec().getShards(); i++) {
      PostgresShard desired = PostgresShardModel.desired(cluster, i);
      desired.getSpec().getSecrets().setSuperuserName(usernames.get(Kind.SUPERUSER));
      desired.getSpec().getSecrets().setPoolerAdminName(usernames.get(Kind.POOLER_ADMIN));
      desired.getSpec().getSecrets().setReplicationUser(usernames.get(Kind.REPLICATION));
      PostgresShard actual =
          existing.stream()
              .filter(s -> s.getMetadata().getName().equals(desired.getMetadata().getName()))
              .findFirst()
              .orElse(null);
      if (children.apply(desired, actual)) {
        LOG.info(
            "{} PostgresShard {}",
            actual == null ? "created" : "updated",
            desired.getMetadata().getName());
      }
    }
  }

  private void applyShardMap(ShardedCluster cluster, Context<ShardedCluster> context) {
    String name = ResourceNames.shardMap(cluster.getMetadata().getName());
    ConfigMap actual =
        context.getSecondaryResources(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().equals(name))
            .findFirst()
            .orElse(null);
    if (children.apply(ShardMapModel.desired(cluster), actual)) {
      LOG.info("wrote shard map {}", name);
    }
  }

  private UpdateControl<ShardedCluster> updateStatus(
      ShardedCluster cluster,
      Context<ShardedCluster> context,
      List<PostgresShard> shards,
      List<SpecProblem> problems) {
    List<String> messages = problems.stream().map(SpecProblem::toString).toList();
    ShardedClusterStatus next = statusUpdater.update(cluster, shards, messages);
    Optional<Duration> again = Optional.empty();
    if (problems.isEmpty() && restorePoints.isPresent()) {
      again = restorePoints.get().run(cluster, shards, next);
    }
    ShardedClusterStatus previous = cluster.getStatus();
    if (!messages.isEmpty()
        && !Reasons.INVALID_SPEC.equals(
            previous == null
                ? null
                : Conditions.reason(previous.getConditions(), Conditions.READY))) {
      events.warning(cluster, Reasons.INVALID_SPEC, String.join("; ", messages));
    }
    UpdateControl<ShardedCluster> control;
    if (previous != null && JsonEquality.same(previous, next)) {
      control = UpdateControl.noUpdate();
    } else {
      cluster.setStatus(next);
      control = StatusWriter.applyStatus(context, cluster);
    }
    return again.isPresent() ? control.rescheduleAfter(again.get().toMillis()) : control;
  }

  @Override
  public DeleteControl cleanup(ShardedCluster cluster, Context<ShardedCluster> context) {
    try (var log = LogContext.cluster(cluster.getMetadata().getName())) {
      String name = cluster.getMetadata().getName();
      if (cluster.getSpec().getPostgres().getStorage().isDeleteClaimsWithCluster()) {
        client
            .persistentVolumeClaims()
            .inNamespace(cluster.getMetadata().getNamespace())
            .withLabel(Labels.CLUSTER, name)
            .delete();
        events.normal(cluster, "Deleting", "deleting the cluster and its volume claims (opted in)");
      } else {
        events.normal(
            cluster,
            "Deleting",
            "deleting the cluster; volume claims labelled "
                + Labels.CLUSTER
                + "="
                + name
                + " are kept");
      }
      return DeleteControl.defaultDelete();
    }
  }
}
