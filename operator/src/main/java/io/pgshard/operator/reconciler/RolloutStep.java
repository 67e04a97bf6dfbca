package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardRolloutStatus;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.rollout.RolloutPhase;
import io.pgshard.operator.rollout.RolloutPlan;
import io.pgshard.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolling restarts in a shard's reconcile: builds the snapshot {@link RolloutPlan} decides on
 * (pods, their StatefulSet revision, what the probes saw), carries out its step and reports it in
 * {@code status.rollout}, the UpToDate condition and events. A standby restarts through the
 * Eviction API, so the PodDisruptionBudget has its say; the primary hands over through the same
 * switchover annotation a user would set, so the switchover path (pooler PAUSE, fence, catch-up,
 * promotion) does it and deletes the former primary's pod. The StatefulSet stays {@code OnDelete}:
 * a deleted pod comes back from the current template.
 *
 * <p>Shards of a cluster roll at most {@code spec.rollout.maxShardsInParallel} at a time: a shard
 * whose status says it is rolling holds a turn, and one that just began (its status not yet in the
 * cache) is remembered here until it is.
 */
public final class RolloutStep {

  /** The label the StatefulSet controller puts on each pod: the revision it was created from. */
  static final String REVISION_LABEL = "controller-revision-hash";

  private static final Logger LOG = LoggerFactory.getLogger(RolloutStep.class);
  private static final Duration WHILE_ROLLING = Duration.ofSeconds(2);
  private static final Duration WHILE_WAITING = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final KubernetesEvents events;
  private final Clock clock;

  /**
   * Shards that began rolling and when, by cluster ({@code namespace/cluster}); guarded by {@code
   * this}. It also keeps the start of a rollout whose first status write failed (a conflict).
   */
  private final Map<String, Map<String, Instant>> begun = new HashMap<>();

  /** The phase each shard's last run recorded (its status may reach the cache later). */
  private final Map<ResourceID, RolloutPhase> phases = new ConcurrentHashMap<>();

  /** The uid of the pod each shard evicted last: not restarted again while the cache lags. */
  private final Map<ResourceID, String> evicted = new ConcurrentHashMap<>();

  public RolloutStep(KubernetesClient client, KubernetesEvents events, Clock clock) {
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Brings {@code status.rollout} up to date and takes the next step when one is due; returns when
   * to look again. {@code elsewhereBusy}: other work that no restart may cross (a StatefulSet being
   * replaced for a storage growth), or null.
   */
  Optional<Duration> run(
      PostgresShard shard,
      List<Pod> pods,
      Optional<StatefulSet> statefulSet,
      ObservedShard probed,
      PostgresShardStatus status,
      Collection<PostgresShard> cachedShards,
      String elsewhereBusy) {
    ResourceID id = ResourceID.fromResource(shard);
    ShardRolloutStatus previous = shard.getStatus() == null ? null : shard.getStatus().getRollout();
    // the phase this operator recorded last wins over a status the cache shows late (or whose write
    // met a conflict): a rollout in progress must not look like one that has not begun
    RolloutPhase recorded = previous == null ? null : RolloutPhase.of(previous.getPhase());
    RolloutPhase remembered = phases.get(id);
    RolloutPhase previousPhase =
        remembered != null && remembered.rolling() && (recorded == null || !recorded.rolling())
            ? remembered
            : recorded;
    boolean inProgress = previousPhase != null && previousPhase.rolling();
    // when a rollout that begins now began: its recorded start (after an operator restart) or now
    Instant startIfNew =
        recorded != null && recorded.rolling() && previous.getStartedAt() != null
            ? Instant.parse(previous.getStartedAt())
            : clock.instant();
    RolloutPlan.Shard snapshot =
        new RolloutPlan.Shard(
            targetRevision(statefulSet),
            shard.getSpec().getReplicas() + 1,
            members(shard, id, pods, probed),
            shard.getSpec().getRollout().isPaused(),
            turn(shard, cachedShards, inProgress, startIfNew),
            elsewhereBusy != null ? elsewhereBusy : busy(shard, status, probed),
            status.getBackup() == null || status.getBackup().getRunning() == null
                ? null
                : status.getBackup().getRunning().getInstance(),
            previousPhase);
    RolloutPlan.Plan plan = RolloutPlan.plan(snapshot);
    RolloutPlan.Step step = plan.step();
    String message = step.message();
    if (step instanceof RolloutPlan.Restart restart) {
      message = evict(shard, id, pods, restart).orElse(message);
    } else if (step instanceof RolloutPlan.Switchover switchover) {
      message = askSwitchover(shard, switchover).orElse(message);
    }
    // the start this operator holds, kept for the completion's count after end() lets it go
    Instant began = begunAt(shard);
    if (step.phase().rolling()) {
      began = begin(shard, startIfNew);
    } else {
      end(shard);
      evicted.remove(id);
    }
    phases.put(id, step.phase());
    record(shard, pods, status, previous, snapshot, plan, step.phase(), message, began);
    if (step.phase().rolling()) {
      return Optional.of(WHILE_ROLLING);
    }
    return step.phase() == RolloutPhase.UP_TO_DATE ? Optional.empty() : Optional.of(WHILE_WAITING);
  }

  /** A shard that is deleted: forget it. */
  synchronized void forget(PostgresShard shard) {
    end(shard);
    evicted.remove(ResourceID.fromResource(shard));
    phases.remove(ResourceID.fromResource(shard));
  }

  private static String targetRevision(Optional<StatefulSet> statefulSet) {
    return statefulSet
        .filter(s -> s.getStatus() != null)
        // a revision computed for an older template would call the new one up to date
        .filter(
            s ->
                s.getStatus().getObservedGeneration() != null
                    && s.getStatus()
                        .getObservedGeneration()
                        .equals(s.getMetadata().getGeneration()))
        .map(s -> s.getStatus().getUpdateRevision())
        .orElse(null);
  }

  private List<RolloutPlan.Member> members(
      PostgresShard shard, ResourceID id, List<Pod> pods, ObservedShard probed) {
    String name = shard.getMetadata().getName();
    String evictedUid = evicted.get(id);
    return pods.stream()
        .map(
            p -> {
              String pod = p.getMetadata().getName();
              Optional<InstanceObservation> seen =
                  probed == null ? Optional.empty() : probed.instance(pod);
              boolean terminating =
                  p.getMetadata().getDeletionTimestamp() != null
                      || (evictedUid != null && evictedUid.equals(p.getMetadata().getUid()));
              return new RolloutPlan.Member(
                  pod,
                  ResourceNames.ordinalOf(name, pod),
                  Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)),
                  PodReadiness.isReady(p),
                  terminating,
                  p.getMetadata().getLabels().get(REVISION_LABEL),
                  seen.map(InstanceObservation::pendingRestart).orElse(List.of()),
                  seen.map(InstanceObservation::streaming).orElse(false),
                  seen.map(InstanceObservation::position).orElse(0L));
            })
        .toList();
  }

  /** What else is under way on the shard that a restart must not cross, or null. */
  private static String busy(
      PostgresShard shard, PostgresShardStatus status, ObservedShard probed) {
    if (status.getCurrentPrimary() == null) {
      return "the shard has no primary yet";
    }
    if (status.getTargetPrimary() != null) {
      return "the promotion of " + status.getTargetPrimary() + " is on record";
    }
    var annotations = shard.getMetadata().getAnnotations();
    if (annotations != null && annotations.get(Labels.SWITCHOVER_TO) != null) {
      return "a switchover to " + annotations.get(Labels.SWITCHOVER_TO) + " is asked for";
    }
    if (probed == null) {
      return "the instances have not been probed yet";
    }
    return null;
  }

  private synchronized boolean turn(
      PostgresShard shard,
      Collection<PostgresShard> cachedShards,
      boolean inProgress,
      Instant startIfNew) {
    String me = shard.getMetadata().getName();
    Set<String> holding = new HashSet<>(begun.getOrDefault(clusterKey(shard), Map.of()).keySet());
    for (PostgresShard other : cachedShards) {
      if (sameCluster(shard, other)
          && other.getStatus() != null
          && other.getStatus().getRollout() != null) {
        RolloutPhase phase = RolloutPhase.of(other.getStatus().getRollout().getPhase());
        if (phase != null && phase.rolling()) {
          holding.add(other.getMetadata().getName());
        }
      }
    }
    boolean granted =
        inProgress
            || holding.contains(me)
            || holding.size() < shard.getSpec().getRollout().getMaxShardsInParallel();
    if (granted) {
      // reserved at once: a shard deciding at the same moment sees it (released by end() when this
      // reconcile restarts nothing)
      begun.computeIfAbsent(clusterKey(shard), k -> new HashMap<>()).putIfAbsent(me, startIfNew);
    }
    return granted;
  }

  /** Holds the shard's turn (reserved by {@link #turn}); returns when its rollout began. */
  private synchronized Instant begin(PostgresShard shard, Instant startIfNew) {
    return begun
        .computeIfAbsent(clusterKey(shard), k -> new HashMap<>())
        .computeIfAbsent(shard.getMetadata().getName(), k -> startIfNew);
  }

  private synchronized Instant begunAt(PostgresShard shard) {
    return begun.getOrDefault(clusterKey(shard), Map.of()).get(shard.getMetadata().getName());
  }

  private synchronized void end(PostgresShard shard) {
    Map<String, Instant> shards = begun.get(clusterKey(shard));
    if (shards != null) {
      shards.remove(shard.getMetadata().getName());
    }
  }

  private static boolean sameCluster(PostgresShard a, PostgresShard b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getSpec().getClusterName().equals(b.getSpec().getClusterName());
  }

  private static String clusterKey(PostgresShard shard) {
    return shard.getMetadata().getNamespace() + "/" + shard.getSpec().getClusterName();
  }

  /** Evicts the pod; a message when it did not happen (and is tried again), else empty. */
  private Optional<String> evict(
      PostgresShard shard, ResourceID id, List<Pod> pods, RolloutPlan.Restart restart) {
    Optional<Pod> pod =
        pods.stream().filter(p -> p.getMetadata().getName().equals(restart.pod())).findFirst();
    if (pod.isEmpty()) {
      return Optional.of("waiting for " + restart.pod());
    }
    try {
      boolean done =
          client
              .pods()
              .inNamespace(shard.getMetadata().getNamespace())
              .withName(restart.pod())
              .evict();
      if (!done) {
        LOG.info("eviction of {} refused by the PodDisruptionBudget; trying again", restart.pod());
        return Optional.of(
            restart.message()
                + ": the PodDisruptionBudget does not allow an eviction now; trying again");
      }
    } catch (KubernetesClientException e) {
      LOG.warn("could not evict {}: {}", restart.pod(), e.getMessage());
      return Optional.of(restart.message() + ": eviction failed: " + e.getMessage());
    }
    evicted.put(id, pod.get().getMetadata().getUid());
    LOG.info("rollout: {}", restart.message());
    events.normal(shard, "RestartingInstance", restart.message());
    return Optional.empty();
  }

  /** Asks for the switchover the way a user would; a message when that failed, else empty. */
  private Optional<String> askSwitchover(PostgresShard shard, RolloutPlan.Switchover switchover) {
    try {
      client
          .resources(PostgresShard.class)
          .inNamespace(shard.getMetadata().getNamespace())
          .withName(shard.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\""
                  + Labels.SWITCHOVER_TO
                  + "\":\""
                  + switchover.to()
                  + "\"}}}");
    } catch (KubernetesClientException e) {
      LOG.warn("could not ask for the switchover to {}: {}", switchover.to(), e.getMessage());
      return Optional.of(switchover.message() + ": could not ask for it: " + e.getMessage());
    }
    LOG.info("rollout: {}", switchover.message());
    events.normal(shard, "RolloutSwitchover", switchover.message());
    return Optional.empty();
  }

  private void record(
      PostgresShard shard,
      List<Pod> pods,
      PostgresShardStatus status,
      ShardRolloutStatus previous,
      RolloutPlan.Shard snapshot,
      RolloutPlan.Plan plan,
      RolloutPhase phase,
      String message,
      Instant began) {
    Instant now = clock.instant();
    ShardRolloutStatus next = previous == null ? new ShardRolloutStatus() : previous.copy();
    RolloutPhase was = snapshot.previous();
    boolean wasRolling = was != null && was.rolling();
    next.setTargetRevision(snapshot.targetRevision());
    next.setInstances(snapshot.desiredInstances());
    next.setUpdatedInstances(plan.updated());
    next.setPhase(phase.value());
    next.setMessage(message);
    next.setPending(plan.pending());
    if (began != null && (phase.rolling() || wasRolling)) {
      next.setStartedAt(began.toString());
    }
    if (phase.rolling() && !wasRolling) {
      events.normal(shard, "RolloutStarted", String.join("; ", plan.pending()));
    }
    if (phase.rolling() || wasRolling) {
      next.setRestartedInstances(restartedSince(pods, next.getStartedAt()));
    }
    if (wasRolling && phase == RolloutPhase.UP_TO_DATE) {
      next.setLastCompletedAt(now.toString());
      String done =
          "every instance runs revision "
              + snapshot.targetRevision()
              + "; "
              + next.getRestartedInstances()
              + " restarted since "
              + next.getStartedAt();
      LOG.info("rollout completed: {}", done);
      events.normal(shard, "RolloutCompleted", done);
    }
    status.setRollout(next);
    status.setConditions(
        Conditions.with(
            status.getConditions(),
            Conditions.generation(shard),
            now,
            Conditions.UP_TO_DATE,
            phase == RolloutPhase.UP_TO_DATE,
            phase.value(),
            message));
  }

  /** Pods created after {@code startedAt}: the instances this rollout restarted. */
  private static int restartedSince(List<Pod> pods, String startedAt) {
    if (startedAt == null) {
      return 0;
    }
    // creation timestamps have whole seconds: a pod created in the second the rollout began counts
    Instant since = Instant.parse(startedAt).truncatedTo(ChronoUnit.SECONDS);
    return (int)
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .map(p -> p.getMetadata().getCreationTimestamp())
            .filter(t -> t != null && !Instant.parse(t).isBefore(since))
            .count();
  }
}
