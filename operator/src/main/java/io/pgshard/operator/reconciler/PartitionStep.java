package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.maintenance.PartitionMaintainer;
import io.pgshard.operator.maintenance.PartitionResult;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.partitions.MaintenanceTrigger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition maintenance in a shard's reconcile: decides whether a run is due ({@link
 * MaintenanceTrigger}) and starts it on a thread of its own, so the reconcile (and failover of any
 * shard) never waits for it. When the run ends, the shard is reconciled again and its results go to
 * {@code status.partitions[]} and the PartitionsReady condition.
 */
public final class PartitionStep {

  /** What the reconcile publishes, and when to look again. */
  record Outcome(List<PartitionStatus> partitions, Optional<Duration> nextCheck) {}

  private static final Logger LOG = LoggerFactory.getLogger(PartitionStep.class);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);
  private static final int SOCKET_TIMEOUT_SECONDS = 120;

  private final KubernetesClient client;
  private final ExecutorService workers;
  private final KubernetesEvents events;
  private final PartitionMetrics metrics;
  private final Clock clock;
  private final PartitionMaintainer maintainer = new PartitionMaintainer(LOCK_TIMEOUT);
  private final CompletionEventSource completions = new CompletionEventSource("partitions");
  private final Map<ResourceID, State> states = new ConcurrentHashMap<>();

  private static final class State {
    MaintenanceTrigger last;
    Future<?> running;
    Map<String, PartitionStatus> results = new HashMap<>();
  }

  public PartitionStep(
      KubernetesClient client,
      ExecutorService workers,
      KubernetesEvents events,
      MeterRegistry registry,
      Clock clock) {
    this.client = client;
    this.workers = workers;
    this.events = events;
    this.metrics = new PartitionMetrics(registry);
    this.clock = clock;
  }

  CompletionEventSource eventSource() {
    return completions;
  }

  Outcome run(PostgresShard shard, List<Pod> pods) {
    ResourceID id = ResourceID.fromResource(shard);
    List<PartitionSpec> specs = shard.getSpec().getPartitions();
    if (specs.isEmpty()) {
      states.remove(id);
      return new Outcome(List.of(), Optional.empty());
    }
    State state = states.computeIfAbsent(id, k -> new State());
    synchronized (state) {
      Optional<Pod> primary = primary(pods);
      if (state.running != null && !state.running.isDone()) {
        return new Outcome(statuses(state, specs), Optional.empty());
      }
      if (primary.isEmpty()) {
        // no primary to run on: maintenance waits for one (a new primary is a trigger)
        return new Outcome(statuses(state, specs), Optional.empty());
      }
      String pod = primary.get().getMetadata().getName();
      String ip = primary.get().getStatus().getPodIP();
      String specKey = Serialization.asJson(specs);
      List<String> schedules = specs.stream().map(PartitionSpec::getSchedule).toList();
      Instant now = clock.instant();
      Optional<String> due = MaintenanceTrigger.due(state.last, specKey, pod, schedules, now);
      if (due.isPresent()) {
        LOG.info("partition maintenance on {} ({})", pod, due.get());
        Credentials superuser = Credentials.superuser(client, shard);
        state.running =
            workers.submit(() -> maintain(shard, id, state, specKey, pod, ip, superuser, now));
        return new Outcome(statuses(state, specs), Optional.empty());
      }
      Instant next = MaintenanceTrigger.next(state.last, schedules);
      return new Outcome(
          statuses(state, specs), Optional.of(Duration.between(now, next).plusSeconds(1)));
    }
  }

  private void maintain(
      PostgresShard shard,
      ResourceID id,
      State state,
      String specKey,
      String pod,
      String ip,
      Credentials superuser,
      Instant startedAt) {
    String cluster = shard.getSpec().getClusterName();
    String name = shard.getMetadata().getName();
    long started = System.nanoTime();
    List<PartitionResult> results = new ArrayList<>();
    DirectConnection connections =
        new DirectConnection(
            p -> ip, ShardStatefulSetModel.POSTGRES_PORT, superuser.user(), superuser.password());
    try (Connection db =
        connections.open(pod, shard.getSpec().getDatabase().getName(), SOCKET_TIMEOUT_SECONDS)) {
      for (PartitionSpec spec : shard.getSpec().getPartitions()) {
        results.add(maintainer.maintain(db, spec, clock.instant()));
      }
    } catch (SQLException | RuntimeException e) {
      for (PartitionSpec spec : shard.getSpec().getPartitions()) {
        if (results.stream().noneMatch(r -> r.table().equals(spec.getTable()))) {
          results.add(
              PartitionResult.failed(
                  spec.getTable(),
                  PartitionResult.MAINTENANCE_FAILED,
                  "could not reach " + pod + ": " + e.getMessage()));
        }
      }
    }
    metrics.run(cluster, name, Duration.ofNanos(System.nanoTime() - started));
    for (PartitionResult r : results) {
      metrics.record(cluster, name, r);
      report(shard, r);
    }
    synchronized (state) {
      for (PartitionResult r : results) {
        state.results.put(r.table(), status(state.results.get(r.table()), r, startedAt));
      }
      state.last =
          new MaintenanceTrigger(
              specKey, pod, startedAt, results.stream().anyMatch(PartitionResult::failed));
    }
    completions.completed(id);
  }

  private void report(PostgresShard shard, PartitionResult r) {
    String where = r.table() + " on " + shard.getMetadata().getName();
    if (r.failed()) {
      events.warning(shard, r.reason(), where + ": " + r.error());
      return;
    }
    if (r.changed()) {
      events.normal(
          shard,
          "PartitionsMaintained",
          where
              + ": created "
              + r.created()
              + ", retired "
              + r.retired()
              + (r.movedRows() > 0 ? ", moved " + r.movedRows() + " rows out of DEFAULT" : ""));
    }
    if (!r.notes().isEmpty()) {
      events.warning(shard, "PartitionsLeftAlone", where + ": " + String.join("; ", r.notes()));
    }
  }

  /**
   * A failed run keeps what the last good one saw of the table (its partitions are still there).
   */
  private static PartitionStatus status(
      PartitionStatus previous, PartitionResult r, Instant startedAt) {
    PartitionStatus s = new PartitionStatus();
    s.setTable(r.table());
    s.setLastMaintenance(startedAt.toString());
    if (r.failed()) {
      if (previous != null) {
        s.setOldest(previous.getOldest());
        s.setNewest(previous.getNewest());
        s.setCount(previous.getCount());
      }
      s.setReason(r.reason());
      s.setError(r.error());
    } else {
      s.setOldest(r.oldest());
      s.setNewest(r.newest());
      s.setCount(r.partitions());
    }
    return s;
  }

  private static List<PartitionStatus> statuses(State state, List<PartitionSpec> specs) {
    return specs.stream()
        .map(spec -> state.results.get(spec.getTable()))
        .filter(s -> s != null)
        .toList();
  }

  private static Optional<Pod> primary(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> Labels.ROLE_PRIMARY.equals(KubernetesShardControl.role(p)))
        .filter(PodReadiness::isReady)
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .findFirst();
  }
}
