package io.pgshard.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.metrics.InstanceMetrics;
import io.pgshard.operator.monitor.ProbeLoops;
import io.pgshard.operator.monitor.ShardMonitor;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The instance monitor as a JOSDK event source: {@link ProbeLoops} probe every shard in the
 * background and a shard is reconciled when a round finds something that matters (see {@link
 * io.pgshard.operator.failover.ObservationChanges}), not every probe interval. Rounds also keep the
 * instance metrics current. A deleted shard's probes stop with its delete event.
 */
public final class InstanceEventSource extends AbstractEventSource<ObservedShard, PostgresShard>
    implements ResourceEventAware<PostgresShard> {

  /** Status LSNs and lag are refreshed at most this often when nothing else changes. */
  static final Duration PUBLISH_EVERY = Duration.ofSeconds(30);

  /** A shard not reconciled for this long (the resync is far shorter) is gone: probes stop. */
  static final Duration IDLE_AFTER = Duration.ofMinutes(10);

  private final ProbeLoops loops;
  private final InstanceMetrics metrics;

  public InstanceEventSource(
      ScheduledExecutorService scheduler, Clock clock, InstanceMetrics metrics) {
    super(ObservedShard.class, "instance-monitor");
    this.metrics = metrics;
    this.loops = new ProbeLoops(scheduler, clock, PUBLISH_EVERY, IDLE_AFTER, this::observed);
  }

  ObservedShard observe(
      PostgresShard shard,
      ProbeLoops.Inputs inputs,
      Duration interval,
      Supplier<ShardMonitor> monitor) {
    return loops.observe(ref(shard), inputs, interval, monitor);
  }

  Optional<ProbeLoops.Snapshot> published(PostgresShard shard) {
    return loops.published(ref(shard));
  }

  @Override
  public Set<ObservedShard> getSecondaryResources(PostgresShard shard) {
    return published(shard).map(s -> Set.of(s.shard())).orElse(Set.of());
  }

  @Override
  public void onResourceDeleted(PostgresShard shard) {
    loops.forget(ref(shard));
  }

  @Override
  public void stop() {
    super.stop();
    loops.close();
  }

  private void observed(ProbeLoops.ShardRef shard, ObservedShard seen, boolean reconcile) {
    metrics.record(shard.cluster(), shard.name(), seen);
    if (reconcile && isRunning()) {
      getEventHandler().handleEvent(new Event(new ResourceID(shard.name(), shard.namespace())));
    }
  }

  private static ProbeLoops.ShardRef ref(PostgresShard shard) {
    return new ProbeLoops.ShardRef(
        shard.getMetadata().getNamespace(),
        shard.getMetadata().getName(),
        shard.getSpec().getClusterName());
  }
}
