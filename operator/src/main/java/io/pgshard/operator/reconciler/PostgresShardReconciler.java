package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.dependent.Capabilities;
import io.pgshard.operator.dependent.DisruptionBudgetEnabled;
import io.pgshard.operator.dependent.DisruptionBudgetServed;
import io.pgshard.operator.dependent.PodsService;
import io.pgshard.operator.dependent.PoolerConfigMap;
import io.pgshard.operator.dependent.PoolerDeployment;
import io.pgshard.operator.dependent.PoolerEnabled;
import io.pgshard.operator.dependent.PoolerService;
import io.pgshard.operator.dependent.PrimaryService;
import io.pgshard.operator.dependent.ReplicaService;
import io.pgshard.operator.dependent.ShardConfigMap;
import io.pgshard.operator.dependent.ShardPodDisruptionBudget;
import io.pgshard.operator.dependent.ShardPodDisruptionBudgetV1beta1;
import io.pgshard.operator.dependent.ShardStateConfigMap;
import io.pgshard.operator.dependent.ShardStatefulSet;
import io.pgshard.operator.dependent.StatefulSetHolds;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.ImageVersions;
import io.pgshard.operator.model.JsonEquality;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.SpecProblem;
import io.pgshard.operator.model.SpecValidator;
import io.pgshard.operator.monitor.ProbeLoops;
import io.pgshard.operator.status.Reasons;
import io.pgshard.operator.status.ShardObservation;
import io.pgshard.operator.status.ShardStatusUpdater;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one PostgresShard: every Kubernetes object of the shard through one dependent resource
 * each, then the status from what the informers see. An invalid spec leaves the objects as they
 * are.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(
          name = "config",
          type = ShardConfigMap.class,
          useEventSourceWithName = PostgresShardReconciler.CONFIG_MAPS),
      @Dependent(
          name = "state",
          type = ShardStateConfigMap.class,
          useEventSourceWithName = PostgresShardReconciler.CONFIG_MAPS),
      @Dependent(
          name = "pods-service",
          type = PodsService.class,
          useEventSourceWithName = PostgresShardReconciler.SERVICES),
      @Dependent(
          name = "rw-service",
          type = PrimaryService.class,
          useEventSourceWithName = PostgresShardReconciler.SERVICES),
      @Dependent(
          name = "ro-service",
          type = ReplicaService.class,
          useEventSourceWithName = PostgresShardReconciler.SERVICES),
      @Dependent(
          name = "statefulset",
          type = ShardStatefulSet.class,
          dependsOn = {"config", "state", "pods-service"}),
      @Dependent(
          name = "pdb",
          type = ShardPodDisruptionBudget.class,
          activationCondition = DisruptionBudgetServed.V1.class,
          reconcilePrecondition = DisruptionBudgetEnabled.class),
      @Dependent(
          name = "pdb-v1beta1",
          type = ShardPodDisruptionBudgetV1beta1.class,
          activationCondition = DisruptionBudgetServed.V1beta1.class,
          reconcilePrecondition = DisruptionBudgetEnabled.class),
      @Dependent(
          name = "pooler-config",
          type = PoolerConfigMap.class,
          reconcilePrecondition = PoolerEnabled.class),
      @Dependent(
          name = "pooler",
          type = PoolerDeployment.class,
          dependsOn = "pooler-config",
          reconcilePrecondition = PoolerEnabled.class),
      @Dependent(
          name = "pooler-service",
          type = PoolerService.class,
          reconcilePrecondition = PoolerEnabled.class),
    })
@ControllerConfiguration(
    name = PostgresShardReconciler.NAME,
    // a switchover is asked for with an annotation, which leaves the generation alone:
    // ShardUpdateFilter lets spec, annotation and deletion changes through, not status writes
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ShardUpdateFilter.class))
public class PostgresShardReconciler implements Reconciler<PostgresShard> {

  public static final String NAME = "postgresshard";
  static final String CONFIG_MAPS = "shard-configmaps";
  static final String SERVICES = "shard-services";
  private static final String PODS = "shard-pods";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresShardReconciler.class);
  private static final long PROMOTED_RECHECK_MILLIS = 200;

  /** How soon a storage growth is looked at again. */
  private static final Duration STORAGE_FOLLOW_UP = Duration.ofSeconds(2);

  /** How soon objects the API server refused are tried again. */
  private static final Duration OBJECTS_RETRY = Duration.ofSeconds(10);

  /** How soon a reconcile follows one whose status named a primary the state does not know. */
  private static final long STATE_FOLLOW_UP_MILLIS = 100;

  /**
   * With the instance monitor on, a shard is reconciled when its objects, its spec or annotations,
   * or what the monitor sees change; this resync is a safety net only.
   */
  static final Duration RESYNC = Duration.ofMinutes(1);

  private final ServerCapabilities server;
  private final ShardStatusUpdater statusUpdater;
  private final ShardReports reports;
  private final Optional<FailoverStep> failover;
  private final Optional<MaintenanceStep> maintenanceStep;
  private final Optional<BackupStep> backupStep;
  private final Optional<RolloutStep> rolloutStep;
  private final StorageStep storageStep;

  /**
   * {@code failover}, {@code maintenanceStep} (schema and partitions), {@code backupStep} and
   * {@code rolloutStep}: empty when the operator runs without access to PostgreSQL (no instance
   * monitor).
   */
  public PostgresShardReconciler(
      ServerCapabilities server,
      ShardStatusUpdater statusUpdater,
      KubernetesEvents events,
      Optional<FailoverStep> failover,
      Optional<MaintenanceStep> maintenanceStep,
      Optional<BackupStep> backupStep,
      Optional<RolloutStep> rolloutStep,
      StorageStep storageStep) {
    this.server = server;
    this.statusUpdater = statusUpdater;
    this.reports = new ShardReports(events);
    this.failover = failover;
    this.maintenanceStep = maintenanceStep;
    this.backupStep = backupStep;
    this.rolloutStep = rolloutStep;
    this.storageStep = storageStep;
  }

  /**
   * The shard-wide ConfigMaps and Services share one informer per kind (fewer watches, one cache).
   * The pooler's objects have their own: JOSDK registers and drops the informer of a dependent with
   * an activation condition as the condition changes.
   */
  @Override
  public List<EventSource<?, PostgresShard>> prepareEventSources(
      EventSourceContext<PostgresShard> context) {
    var configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, PostgresShard.class)
                .withName(CONFIG_MAPS)
                .withLabelSelector(Labels.SHARD_OBJECTS_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(PostgresShard.class))
                .build(),
            context);
    var services =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, PostgresShard.class)
                .withName(SERVICES)
                .withLabelSelector(Labels.SHARD_OBJECTS_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(PostgresShard.class))
                .build(),
            context);
    // pods are owned by the StatefulSet, not the shard: map them back by their shard label
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, PostgresShard.class)
                .withName(PODS)
                .withLabelSelector(
                    Labels.MANAGED_SELECTOR
                        + ","
                        + Labels.COMPONENT
                        + "="
                        + Labels.Component.POSTGRES.value())
                .withSecondaryToPrimaryMapper(
                    pod ->
                        pod.getMetadata().getLabels().get(Labels.SHARD) == null
                            ? Set.of()
                            : Set.of(
                                new ResourceID(
                                    pod.getMetadata().getLabels().get(Labels.SHARD),
                                    pod.getMetadata().getNamespace())))
                .build(),
            context);
    List<EventSource<?, PostgresShard>> sources =
        new ArrayList<>(List.of(configMaps, services, pods));
    failover.ifPresent(f -> sources.add(f.eventSource()));
    maintenanceStep.ifPresent(m -> sources.add(m.eventSource()));
    backupStep.ifPresent(b -> sources.add(b.eventSource()));
    return sources;
  }

  @Override
  public UpdateControl<PostgresShard> reconcile(
      PostgresShard resource, Context<PostgresShard> context) {
    PostgresShard shard = resource;
    try (var log =
        LogContext.shard(shard.getSpec().getClusterName(), shard.getMetadata().getName())) {
      List<SpecProblem> problems = SpecValidator.validateTemplate(shard.getSpec());
      if (!problems.isEmpty()) {
        LOG.warn("spec refused, objects left as they are: {}", problems);
      }
      // failover first, and on its own: no other object of the shard may hold it back
      FailoverDecision decision = null;
      Optional<ProbeLoops.Snapshot> probed = Optional.empty();
      if (failover.isPresent() && problems.isEmpty()) {
        FailoverStep.Outcome outcome =
            failover
                .get()
                .run(
                    shard,
                    ShardContext.pods(shard, context),
                    ShardContext.initialized(shard, context));
        if (outcome.decision() instanceof FailoverDecision.Promote) {
          // status was written by the promotion; labels in the cache are stale until the
          // informer catches up, so the next reconcile (soon) reports the new roles
          return UpdateControl.<PostgresShard>noUpdate().rescheduleAfter(PROMOTED_RECHECK_MILLIS);
        }
        decision = outcome.decision();
        probed = outcome.probed();
        // a switchover that was refused or failed wrote status and annotations
        shard = outcome.shard();
      }
      String objectsError = null;
      // a major-version change cannot roll out: the StatefulSet keeps the running image
      Optional<String> running =
          context.getSecondaryResource(StatefulSet.class).flatMap(ImageVersions::running);
      String wantedImage = shard.getSpec().getPostgres().getImage();
      Optional<SpecProblem> majorChange =
          running.flatMap(r -> ImageVersions.majorChange(r, wantedImage));
      StorageStep.Prepared storage = StorageStep.Prepared.none();
      if (problems.isEmpty()) {
        Capabilities.put(context, server);
        StatefulSetHolds.image(context, majorChange.isPresent() ? running : Optional.empty());
        try {
          storage = storageStep.prepare(shard, context.getSecondaryResource(StatefulSet.class));
          StatefulSetHolds.claimSize(context, storage.heldSize());
          if (!storage.replacing()) {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
          }
        } catch (RuntimeException e) {
          if (ShardReports.interrupted(e)) {
            throw e; // the operator is stopping
          }
          // an object the API server refuses (an immutable field, a quota) is reported and retried;
          // status and the next failover must not wait for it
          objectsError = ShardReports.rootMessage(e);
          LOG.warn("objects of the shard not applied: {}", objectsError, e);
        }
      }
      MaintenanceStep.Outcome maintenance = null;
      if (maintenanceStep.isPresent() && problems.isEmpty()) {
        maintenance = maintenanceStep.get().run(shard, ShardContext.pods(shard, context));
      }
      ShardObservation seen =
          ShardContext.observe(shard, context, problems, decision, probed, maintenance);
      PostgresShardStatus status = statusUpdater.update(shard.getStatus(), seen);
      Optional<Duration> backupCheck = Optional.empty();
      if (backupStep.isPresent() && problems.isEmpty()) {
        backupCheck = backupStep.get().run(shard, ShardContext.pods(shard, context), status);
      }
      boolean storageGrowing = problems.isEmpty() && storageStep.report(shard, status, storage);
      Optional<Duration> rolloutCheck = Optional.empty();
      if (rolloutStep.isPresent() && problems.isEmpty()) {
        rolloutCheck =
            rolloutStep
                .get()
                .run(
                    shard,
                    ShardContext.pods(shard, context),
                    context.getSecondaryResource(StatefulSet.class),
                    probed.map(ProbeLoops.Snapshot::shard).orElse(null),
                    status,
                    context.getPrimaryCache().list(shard.getMetadata().getNamespace()).toList(),
                    storage.replacing() || storageStep.replacing(shard)
                        ? "the StatefulSet is replaced for a storage growth"
                        : null);
      }
      reports.rejoins(shard, shard.getStatus(), status);
      if (problems.isEmpty()) {
        reports.restore(shard, ShardContext.pods(shard, context), status, Instant.now());
      }
      if (objectsError != null) {
        reports.objectsNotApplied(shard, status, objectsError);
      } else if (storage.reason() != null) {
        reports.notReady(shard, status, storage.reason(), storage.problem());
      } else if (majorChange.isPresent() && problems.isEmpty()) {
        reports.notReady(
            shard, status, Reasons.MAJOR_UPGRADE_UNSUPPORTED, majorChange.get().toString());
      }
      UpdateControl<PostgresShard> control = updateStatus(shard, context, status, problems);
      if (objectsError != null) {
        return control.rescheduleAfter(OBJECTS_RETRY.toMillis());
      }
      if (storage.replacing() || storageGrowing) {
        // a StatefulSet to create again, or claims still growing
        return control.rescheduleAfter(STORAGE_FOLLOW_UP.toMillis());
      }
      if (decision != null && FailoverStep.FENCE_PENDING.equals(decision.reason())) {
        return control.rescheduleAfter(PROMOTED_RECHECK_MILLIS);
      }
      if (problems.isEmpty()
          && status.getCurrentPrimary() != null
          && !ShardContext.stateSaysInitialized(shard, context)) {
        // the state ConfigMap (which keeps a lost ordinal 0 from running initdb again) was
        // rendered before this status named a primary: write it now, not at the next resync
        return control.rescheduleAfter(STATE_FOLLOW_UP_MILLIS);
      }
      if (failover.isEmpty()) {
        return control;
      }
      Duration next = RESYNC;
      if (maintenance != null
          && maintenance.nextCheck().isPresent()
          && maintenance.nextCheck().get().compareTo(next) < 0) {
        next = maintenance.nextCheck().get();
      }
      if (backupCheck.isPresent() && backupCheck.get().compareTo(next) < 0) {
        next = backupCheck.get();
      }
      if (rolloutCheck.isPresent() && rolloutCheck.get().compareTo(next) < 0) {
        next = rolloutCheck.get();
      }
      return control.rescheduleAfter(next.toMillis());
    }
  }

  private UpdateControl<PostgresShard> updateStatus(
      PostgresShard shard,
      Context<PostgresShard> context,
      PostgresShardStatus next,
      List<SpecProblem> problems) {
    reports.invalidSpec(shard, problems);
    PostgresShardStatus previous = shard.getStatus();
    if (previous != null && JsonEquality.same(previous, next)) {
      return UpdateControl.noUpdate();
    }
    shard.setStatus(next);
    return StatusWriter.replace(context, shard);
  }
}
