package io.pgshard.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background rounds, with scripted probes standing in for PostgreSQL (the probes themselves are
 * tested against real instances in InstanceProbeIT; here only what the loop does with their answers
 * is under test).
 */
class ProbeLoopsTest {

  static final ProbeLoops.ShardRef SHARD =
      new ProbeLoops.ShardRef("ns", "orders-shard-0", "orders");
  static final Duration INTERVAL = Duration.ofMillis(50);
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  final ExecutorService probes = Executors.newFixedThreadPool(4);
  final SettableClock clock = new SettableClock(Instant.parse("2026-11-21T10:00:00Z"));
  final List<Heard> heard = new CopyOnWriteArrayList<>();
  final ProbeLoops loops =
      new ProbeLoops(
          scheduler,
          clock,
          Duration.ofSeconds(30),
          Duration.ofMinutes(10),
          (shard, seen, reconcile) -> heard.add(new Heard(seen, reconcile)));

  /** What each pod answers next; a probe counts its calls and whether it was closed. */
  final Map<String, InstanceObservation> answers = new ConcurrentHashMap<>();

  final Map<String, ScriptedProbe> created = new ConcurrentHashMap<>();

  record Heard(ObservedShard seen, boolean reconcile) {}

  final class ScriptedProbe implements Probe {
    final String pod;
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean closed;

    ScriptedProbe(String pod) {
      this.pod = pod;
    }

    @Override
    public InstanceObservation probe() {
      calls.incrementAndGet();
      return answers.get(pod);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @AfterEach
  void stop() {
    loops.close();
    scheduler.shutdownNow();
    probes.shutdownNow();
  }

  Supplier<ShardMonitor> monitor() {
    return () ->
        new ShardMonitor(
            (pod, endpoint) -> created.computeIfAbsent(pod, ScriptedProbe::new), probes);
  }

  static InstanceObservation primary(long lsn) {
    return new InstanceObservation(
        "p-0", 0, true, false, 1L, null, null, lsn, false, null, "7", false, null);
  }

  static InstanceObservation standby(long lsn) {
    return new InstanceObservation(
        "p-1", 1, true, true, 1L, lsn, lsn, null, true, "127.0.1.1", "7", false, null);
  }

  static ProbeLoops.Inputs inputs(String labelled) {
    return new ProbeLoops.Inputs(
        Map.of(
            "p-0", new ShardMonitor.Endpoint(0, "127.0.1.1"),
            "p-1", new ShardMonitor.Endpoint(1, "127.0.1.2")),
        Set.of("p-0", "p-1"),
        labelled,
        true,
        null,
        true);
  }

  long reconciles() {
    return heard.stream().filter(Heard::reconcile).count();
  }

  @Test
  void aHealthyShardIsProbedEveryIntervalWithoutAskingForReconciles() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));

    ObservedShard first = loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor());

    assertThat(first.instance("p-0").orElseThrow().isPrimary()).isTrue();
    assertThat(loops.published(SHARD)).isPresent();
    await().atMost(TIMEOUT).until(() -> created.get("p-0").calls.get() >= 6);
    // the first round (in the reconcile) published; background rounds found nothing new
    assertThat(reconciles()).isZero();
    assertThat(heard.size()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void theReconcileTakesTheLastRoundUnlessWhatItSeesChanged() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));
    loops.observe(SHARD, inputs("p-0"), Duration.ofMinutes(5), monitor());
    int before = created.get("p-0").calls.get();

    loops.observe(SHARD, inputs("p-0"), Duration.ofMinutes(5), monitor());
    assertThat(created.get("p-0").calls.get()).isEqualTo(before);

    ProbeLoops.Inputs primaryNotReady =
        new ProbeLoops.Inputs(inputs("p-0").pods(), Set.of("p-1"), "p-0", true, null, true);
    loops.observe(SHARD, primaryNotReady, Duration.ofMinutes(5), monitor());
    assertThat(created.get("p-0").calls.get())
        .as("the primary's pod turning unready is probed at once")
        .isEqualTo(before + 1);

    ObservedShard afterLabelMove =
        loops.observe(SHARD, inputs("p-1"), Duration.ofMinutes(5), monitor());
    assertThat(created.get("p-0").calls.get()).isEqualTo(before + 2);
    assertThat(afterLabelMove.labelledPrimary()).isEqualTo("p-1");
  }

  @Test
  void aPrimaryThatStopsAnsweringAsksForAReconcileOnEveryFailedRound() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));
    loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor());

    answers.put("p-0", InstanceObservation.unreachable("p-0", 0));

    await()
        .atMost(TIMEOUT)
        .until(
            () -> heard.stream().anyMatch(h -> h.reconcile() && h.seen().primaryFailures() >= 3));
    List<Integer> failuresAsked =
        heard.stream().filter(Heard::reconcile).map(h -> h.seen().primaryFailures()).toList();
    assertThat(failuresAsked).startsWith(1, 2, 3);
    // a reconcile in between does not count a failure of its own
    int failures = loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor()).primaryFailures();
    assertThat(failures).isEqualTo(heard.get(heard.size() - 1).seen().primaryFailures());
  }

  @Test
  void movingWalPositionsArePublishedForStatusAtMostEveryThirtySeconds() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));
    loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor());
    Instant firstPublished = loops.published(SHARD).orElseThrow().at();

    answers.put("p-0", primary(200));
    answers.put("p-1", standby(150));
    int calls = created.get("p-0").calls.get();
    await().atMost(TIMEOUT).until(() -> created.get("p-0").calls.get() >= calls + 3);
    assertThat(reconciles()).isZero();
    assertThat(loops.published(SHARD).orElseThrow().at()).isEqualTo(firstPublished);
    assertThat(
            loops.published(SHARD).orElseThrow().shard().instance("p-1").orElseThrow().replayLsn())
        .isEqualTo(100L);

    clock.advance(Duration.ofSeconds(30));
    await().atMost(TIMEOUT).until(() -> reconciles() == 1);
    ProbeLoops.Snapshot now = loops.published(SHARD).orElseThrow();
    assertThat(now.at()).isEqualTo(firstPublished.plusSeconds(30));
    assertThat(now.shard().instance("p-1").orElseThrow().replayLsn()).isEqualTo(150L);
  }

  @Test
  void aForgottenShardStopsProbingAndClosesItsConnections() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));
    loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor());

    loops.forget(SHARD);

    assertThat(created.values()).allMatch(p -> p.closed);
    assertThat(loops.size()).isZero();
    assertThat(loops.published(SHARD)).isEmpty();
  }

  @Test
  void aShardNoLongerReconciledStopsByItself() {
    answers.put("p-0", primary(100));
    answers.put("p-1", standby(100));
    loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor());

    clock.advance(Duration.ofMinutes(11));

    await().atMost(TIMEOUT).until(() -> loops.size() == 0);
    assertThat(created.values()).allMatch(p -> p.closed);
    // and comes back when it is reconciled again
    assertThat(loops.observe(SHARD, inputs("p-0"), INTERVAL, monitor()).instances()).hasSize(2);
    assertThat(loops.size()).isEqualTo(1);
  }
}
