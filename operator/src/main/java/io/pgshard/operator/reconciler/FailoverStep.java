package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.FailoverExecutor;
import io.pgshard.operator.failover.FailoverPolicy;
import io.pgshard.operator.failover.FenceCheck;
import io.pgshard.operator.failover.FencePendingException;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.Promoter;
import io.pgshard.operator.kube.Credentials;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.kube.KubernetesShardControl;
import io.pgshard.operator.kube.StoppedPrimaryCheck;
import io.pgshard.operator.metrics.FailoverMetrics;
import io.pgshard.operator.model.FailoverSpecs;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.monitor.InstanceProbe;
import io.pgshard.operator.monitor.JdbcPromoter;
import io.pgshard.operator.monitor.ProbeLoops;
import io.pgshard.operator.monitor.ShardMonitor;
import io.pgshard.operator.pooler.PauseLocks;
import io.pgshard.operator.status.ShardStatusUpdater;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover part of a shard's reconcile: take the instance monitor's latest observation, decide,
 * act. The monitor probes in the background ({@link InstanceEventSource}) and asks for a reconcile
 * when something changes; reads come from the informer cache, API writes happen only when something
 * changes.
 */
public final class FailoverStep {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverStep.class);

  /** The reason while a fenced primary is not confirmed stopped. */
  public static final String FENCE_PENDING = "FencePending";

  /**
   * How long one reconcile waits for a fenced primary to be confirmed stopped: its pod's 1 s grace
   * period and the kubelet's report of it, so that one reconcile usually sees it through.
   */
  static final Duration FENCE_WAIT = Duration.ofMillis(2500);

  /**
   * What the step decided, the shard as it stands afterwards (status may have moved), and the
   * observation status is written from (empty until the shard was probed).
   */
  public record Outcome(
      PostgresShard shard, FailoverDecision decision, Optional<ProbeLoops.Snapshot> probed) {}

  private final KubernetesClient client;
  private final InstanceEventSource monitor;
  private final ExecutorService probes;
  private final KubernetesEvents events;
  private final FailoverMetrics metrics;
  private final Clock clock;
  private final SwitchoverStep switchover;

  public FailoverStep(
      KubernetesClient client,
      InstanceEventSource monitor,
      ExecutorService probes,
      KubernetesEvents events,
      MeterRegistry registry,
      Clock clock,
      PauseLocks pauseLocks) {
    this.client = client;
    this.monitor = monitor;
    this.probes = probes;
    this.events = events;
    this.metrics = new FailoverMetrics(registry);
    this.clock = clock;
    this.switchover = new SwitchoverStep(client, events, clock, pauseLocks);
  }

  /** The event source that probes in the background; registered with the shard controller. */
  public InstanceEventSource eventSource() {
    return monitor;
  }

  public Outcome run(PostgresShard shard, List<Pod> pods, boolean initialized) {
    String name = shard.getMetadata().getName();
    List<Pod> live =
        pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    // a primary whose pod is being deleted is still probed: it hands over while it answers
    Optional<Pod> terminatingPrimary =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() != null)
            .filter(p -> Labels.ROLE_PRIMARY.equals(KubernetesShardControl.role(p)))
            .findFirst();
    Map<String, ShardMonitor.Endpoint> endpoints = new LinkedHashMap<>();
    for (Pod pod : live) {
      endpoints.put(pod.getMetadata().getName(), endpoint(name, pod));
    }
    terminatingPrimary.ifPresent(
        p -> endpoints.putIfAbsent(p.getMetadata().getName(), endpoint(name, p)));
    // the labelled primary, or the last one on record when its pod lost the label or is gone
    String labelled =
        live.stream()
            .filter(p -> Labels.ROLE_PRIMARY.equals(KubernetesShardControl.role(p)))
            .map(p -> p.getMetadata().getName())
            .findFirst()
            .or(() -> terminatingPrimary.map(p -> p.getMetadata().getName()))
            .orElse(shard.getStatus() == null ? null : shard.getStatus().getCurrentPrimary());
    boolean exists = labelled != null && endpoints.containsKey(labelled);
    boolean terminating =
        terminatingPrimary.isPresent()
            && terminatingPrimary.get().getMetadata().getName().equals(labelled);
    String target = shard.getStatus() == null ? null : shard.getStatus().getTargetPrimary();

    ObservedShard seen =
        monitor.observe(
            shard,
            new ProbeLoops.Inputs(
                endpoints,
                readyPods(live),
                labelled,
                exists,
                target,
                initialized,
                terminating,
                ShardStatusUpdater.history(shard.getStatus())),
            FailoverSpecs.probeInterval(shard.getSpec()),
            () ->
                new ShardMonitor(
                    probeFactory(shard), probes, probeDeadline(shard).plusMillis(250)));
    FailoverDecision decision =
        FailoverPolicy.decide(FailoverSpecs.settings(shard.getSpec()), seen);

    if (decision instanceof FailoverDecision.Promote promote) {
      return promote(shard, pods, endpoints, promote);
    }
    if (decision instanceof FailoverDecision.Handover handover) {
      LOG.info("{}", handover.message());
      return switchover(shard, handover.candidate(), seen, endpoints, pods);
    }
    var switchoverTo = switchover.requested(shard);
    if (decision instanceof FailoverDecision.None && labelled != null && switchoverTo.isPresent()) {
      return switchover(shard, switchoverTo.get(), seen, endpoints, live);
    }
    if (decision instanceof FailoverDecision.None && labelled != null) {
      // instances added by a scale-up join the ro Service
      KubernetesShardControl control = control(shard, live);
      for (Pod pod : live) {
        if (!pod.getMetadata().getName().equals(labelled)
            && KubernetesShardControl.role(pod) == null) {
          control.setRole(pod.getMetadata().getName(), Labels.ROLE_REPLICA);
        }
      }
    }
    return new Outcome(shard, decision, monitor.published(shard));
  }

  /** A planned switchover to {@code target}: asked for, or the handover of a drained primary. */
  private Outcome switchover(
      PostgresShard shard,
      String target,
      ObservedShard seen,
      Map<String, ShardMonitor.Endpoint> endpoints,
      List<Pod> pods) {
    Credentials superuser = superuser(shard);
    Credentials poolerAdmin = Credentials.poolerAdmin(client, shard);
    Outcome done =
        switchover.run(
            shard,
            target,
            FailoverSpecs.settings(shard.getSpec()),
            seen,
            connections(endpoints, superuser),
            poolerAdmin.user(),
            poolerAdmin.password(),
            () -> control(shard, pods));
    return new Outcome(done.shard(), done.decision(), monitor.published(shard));
  }

  private Outcome promote(
      PostgresShard shard,
      List<Pod> pods,
      Map<String, ShardMonitor.Endpoint> endpoints,
      FailoverDecision.Promote promote) {
    LOG.info("promoting {}: {}", promote.candidate(), promote.message());
    KubernetesShardControl control = control(shard, pods);
    Credentials superuser = superuser(shard);
    Promoter promoter = new JdbcPromoter(connections(endpoints, superuser));
    Map<String, String> uids = new LinkedHashMap<>();
    Map<String, String> addresses = new LinkedHashMap<>();
    for (Pod pod : pods) {
      // the incarnation that was fenced, when a fence is on record: its replacement is no primary
      String fenced = KubernetesShardControl.fencedUid(shard, pod.getMetadata().getName());
      uids.put(pod.getMetadata().getName(), fenced != null ? fenced : pod.getMetadata().getUid());
      if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
        addresses.put(pod.getMetadata().getName(), pod.getStatus().getPodIP());
      }
    }
    if (promote.from() != null) {
      String fenced = KubernetesShardControl.fencedUid(shard, promote.from());
      if (fenced != null) {
        uids.put(promote.from(), fenced);
      }
    }
    FenceCheck fence =
        new StoppedPrimaryCheck(
            client,
            shard.getMetadata().getNamespace(),
            uids,
            addresses,
            ShardStatefulSetModel.POSTGRES_PORT,
            superuser,
            FENCE_WAIT);
    try {
      new FailoverExecutor(control, promoter, clock::millis, fence).execute(promote);
    } catch (Promoter.PromotionFailedException e) {
      // the target stays on record: the next reconcile resumes this promotion
      LOG.warn("{}", e.getMessage());
      events.warning(shard, "PromotionFailed", e.getMessage());
    } catch (FencePendingException e) {
      // the target stays on record; the fenced pod going away (an informer event) or the next
      // probe round reconciles again
      LOG.info("{}", e.getMessage());
      return new Outcome(
          control.current(),
          new FailoverDecision.Wait(FENCE_PENDING, e.getMessage()),
          monitor.published(shard));
    }
    return new Outcome(control.current(), promote, monitor.published(shard));
  }

  private static ShardMonitor.Endpoint endpoint(String shard, Pod pod) {
    int ordinal = ResourceNames.ordinalOf(shard, pod.getMetadata().getName());
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    return new ShardMonitor.Endpoint(ordinal, ip);
  }

  /** How long a probe may take: the probe interval, at most a second. */
  static Duration probeDeadline(PostgresShard shard) {
    Duration interval = FailoverSpecs.probeInterval(shard.getSpec());
    return interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
  }

  private static Set<String> readyPods(List<Pod> pods) {
    return pods.stream()
        .filter(PodReadiness::isReady)
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  static DirectConnection connections(
      Map<String, ShardMonitor.Endpoint> endpoints, Credentials superuser) {
    return new DirectConnection(
        pod -> endpoints.get(pod).host(),
        ShardStatefulSetModel.POSTGRES_PORT,
        superuser.user(),
        superuser.password());
  }

  private KubernetesShardControl control(PostgresShard shard, List<Pod> pods) {
    return new KubernetesShardControl(client, shard, pods, events, metrics, clock.millis());
  }

  private ShardMonitor.ProbeFactory probeFactory(PostgresShard shard) {
    // read once per monitor: a probe every second must not cost an API call
    Credentials superuser = superuser(shard);
    Duration timeout = probeDeadline(shard);
    return (pod, endpoint) ->
        new InstanceProbe(
            pod,
            endpoint.ordinal(),
            endpoint.host(),
            ShardStatefulSetModel.POSTGRES_PORT,
            superuser.user(),
            superuser.password(),
            timeout);
  }

  private Credentials superuser(PostgresShard shard) {
    return Credentials.superuser(client, shard);
  }
}
