package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgshard.operator.api.v1alpha1.ConfigMapKeyRef;
import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.kube.KubernetesShardControl;
import io.pgshard.operator.maintenance.PartitionMaintainer;
import io.pgshard.operator.maintenance.PartitionResult;
import io.pgshard.operator.maintenance.SchemaBootstrap;
import io.pgshard.operator.metrics.PartitionMetrics;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.partitions.MaintenanceTrigger;
import io.pgshard.operator.status.ShardObservation;
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
public final class MaintenanceStep {

  /**
   * What the reconcile publishes, and when to look again. {@code schema}: null when the spec names
   * no schema; a pending result before the first run.
   */
  record Outcome(
      List<PartitionStatus> partitions,
      ShardObservation.Schema schema,
      Optional<Duration> nextCheck) {}

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceStep.class);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);
  private static final int SOCKET_TIMEOUT_SECONDS = 120;

  private final KubernetesClient client;
  private final ExecutorService workers;
  private final KubernetesEvents events;
  private final PartitionMetrics metrics;
  private final Clock clock;
  private final PartitionMaintainer maintainer = new PartitionMaintainer(LOCK_TIMEOUT);
  private final CompletionEventSource completions =
      new CompletionEventSource("maintenance", this::forget);
  private final Map<ResourceID, State> states = new ConcurrentHashMap<>();

  private static final class State {
    MaintenanceTrigger last;
    Future<?> running;
    Map<String, PartitionStatus> results = new HashMap<>();
    ShardObservation.Schema schema = ShardObservation.Schema.PENDING;
  }

  public MaintenanceStep(
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

  private void forget(ResourceID shard) {
    states.remove(shard);
  }

  CompletionEventSource eventSource() {
    return completions;
  }

  Outcome run(PostgresShard shard, List<Pod> pods) {
    ResourceID id = ResourceID.fromResource(shard);
    List<PartitionSpec> specs = shard.getSpec().getPartitions();
    ConfigMapKeyRef schemaRef = schemaRef(shard);
    if (specs.isEmpty() && schemaRef == null) {
      states.remove(id);
      return new Outcome(List.of(), null, Optional.empty());
    }
    State state = states.computeIfAbsent(id, k -> new State());
    synchronized (state) {
      Optional<Pod> primary = primary(pods);
      if ((state.running != null && !state.running.isDone()) || primary.isEmpty()) {
        // a run is under way, or there is no primary to run on (a new primary is a trigger)
        return outcome(state, specs, schemaRef, Optional.empty());
      }
      String pod = primary.get().getMetadata().getName();
      String ip = primary.get().getStatus().getPodIP();
      String specKey = Serialization.asJson(List.of(specs, schemaRef == null ? "" : schemaRef));
      List<String> schedules = specs.stream().map(PartitionSpec::getSchedule).toList();
      Instant now = clock.instant();
      Optional<String> due = MaintenanceTrigger.due(state.last, specKey, pod, schedules, now);
      if (due.isPresent()) {
        LOG.info("maintenance on {} ({})", pod, due.get());
        Credentials superuser = Credentials.superuser(client, shard);
        Script script = schemaRef == null ? null : script(shard, schemaRef);
        state.running =
            workers.submit(
                () -> maintain(shard, id, state, specKey, pod, ip, superuser, script, now));
        return outcome(state, specs, schemaRef, Optional.empty());
      }
      Instant next = MaintenanceTrigger.next(state.last, schedules);
      return outcome(
          state, specs, schemaRef, Optional.of(Duration.between(now, next).plusSeconds(1)));
    }
  }

  private static Outcome outcome(
      State state, List<PartitionSpec> specs, ConfigMapKeyRef schemaRef, Optional<Duration> next) {
    return new Outcome(statuses(state, specs), schemaRef == null ? null : state.schema, next);
  }

  private static ConfigMapKeyRef schemaRef(PostgresShard shard) {
    var schema = shard.getSpec().getSchema();
    return schema == null ? null : schema.getConfigMapRef();
  }

  /** The schema script, or why it cannot be read: a ConfigMap or key that is not there. */
  private record Script(String source, String sql, String problem) {}

  private Script script(PostgresShard shard, ConfigMapKeyRef ref) {
    String source = "configmap/" + ref.getName() + "/" + ref.getKey();
    ConfigMap map =
        client
            .configMaps()
            .inNamespace(shard.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    if (map == null) {
      return new Script(source, null, "ConfigMap " + ref.getName() + " does not exist");
    }
    String sql = map.getData() == null ? null : map.getData().get(ref.getKey());
    if (sql == null) {
      return new Script(source, null, "ConfigMap " + ref.getName() + " has no key " + ref.getKey());
    }
    return new Script(source, sql, null);
  }

  private void maintain(
      PostgresShard shard,
      ResourceID id,
      State state,
      String specKey,
      String pod,
      String ip,
      Credentials superuser,
      Script script,
      Instant startedAt) {
    String cluster = shard.getSpec().getClusterName();
    String name = shard.getMetadata().getName();
    long started = System.nanoTime();
    List<PartitionResult> results = new ArrayList<>();
    ShardObservation.Schema schema = ShardObservation.Schema.PENDING;
    DirectConnection connections =
        new DirectConnection(
            p -> ip, ShardStatefulSetModel.POSTGRES_PORT, superuser.user(), superuser.password());
    try (Connection db =
        connections.open(pod, shard.getSpec().getDatabase().getName(), SOCKET_TIMEOUT_SECONDS)) {
      // the schema first: it may create the tables the partitions are for
      if (script != null) {
        schema = schema(shard, db, Credentials.app(client, shard), ip, pod, script);
      }
      for (PartitionSpec spec : shard.getSpec().getPartitions()) {
        results.add(maintainer.maintain(db, spec, clock.instant()));
      }
    } catch (SQLException | RuntimeException e) {
      if (script != null && schema == ShardObservation.Schema.PENDING) {
        schema =
            new ShardObservation.Schema(
                false, SCHEMA_FAILED, "could not reach " + pod + ": " + e.getMessage());
      }
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
      if (script != null) {
        state.schema = schema;
      }
      boolean failed =
          results.stream().anyMatch(PartitionResult::failed)
              || (script != null && Boolean.FALSE.equals(schema.applied()));
      state.last = new MaintenanceTrigger(specKey, pod, startedAt, failed);
    }
    completions.completed(id);
  }

  static final String SCHEMA_FAILED = "SchemaFailed";

  private static DirectConnection connections(String ip, Credentials login) {
    return new DirectConnection(
        p -> ip, ShardStatefulSetModel.POSTGRES_PORT, login.user(), login.password());
  }

  /**
   * Applies the schema unless the shard's ledger has it, in a session of the database owner (the
   * application's login), never the superuser's; the outcome for status and events.
   */
  private ShardObservation.Schema schema(
      PostgresShard shard,
      Connection superuser,
      Credentials owner,
      String ip,
      String pod,
      Script script)
      throws SQLException {
    String where = " on " + shard.getMetadata().getName();
    if (script.problem() != null) {
      events.warning(shard, SCHEMA_FAILED, script.problem() + where);
      return new ShardObservation.Schema(false, SCHEMA_FAILED, script.problem());
    }
    String database = shard.getSpec().getDatabase().getName();
    SchemaBootstrap.prepare(superuser, owner.user());
    SchemaBootstrap.Outcome outcome;
    try (Connection db = connections(ip, owner).open(pod, database, SOCKET_TIMEOUT_SECONDS)) {
      outcome = SchemaBootstrap.apply(db, script.source(), script.sql());
    }
    switch (outcome.state()) {
      case APPLIED -> {
        events.normal(shard, "SchemaApplied", outcome.message() + where);
        return new ShardObservation.Schema(true, "Applied", outcome.message());
      }
      case ALREADY_APPLIED -> {
        return new ShardObservation.Schema(true, "AlreadyApplied", outcome.message());
      }
      default -> {
        events.warning(shard, SCHEMA_FAILED, script.source() + where + ": " + outcome.message());
        return new ShardObservation.Schema(
            false, SCHEMA_FAILED, script.source() + ": " + outcome.message());
      }
    }
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
