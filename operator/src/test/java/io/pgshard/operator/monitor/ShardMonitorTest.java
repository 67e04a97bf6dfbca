package io.pgshard.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.failover.PrimaryHistory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one shard's monitor remembers between rounds, with scripted probes standing in for
 * PostgreSQL: the guards' memory from status after a restart, the timeline a standby streamed on,
 * and the deadline of a probe that hangs.
 */
class ShardMonitorTest {

  static final Map<String, ShardMonitor.Endpoint> PODS =
      Map.of(
          "p-0", new ShardMonitor.Endpoint(0, "127.0.1.1"),
          "p-1", new ShardMonitor.Endpoint(1, "127.0.1.2"));

  final ExecutorService executor = Executors.newCachedThreadPool();
  final Map<String, InstanceObservation> answers = new ConcurrentHashMap<>();
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    executor.shutdownNow();
  }

  ShardMonitor monitor(Duration deadline) {
    return new ShardMonitor(
        (pod, endpoint) ->
            new Probe() {
              @Override
              public InstanceObservation probe() {
                InstanceObservation answer = answers.get(pod);
                if (answer == null) {
                  try {
                    release.await(); // hangs, as a probe of a frozen instance does
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return InstanceObservation.unreachable(pod, endpoint.ordinal());
                }
                return answer;
              }

              @Override
              public void close() {}
            },
        executor,
        deadline);
  }

  static InstanceObservation standby(long timeline, boolean streaming) {
    return new InstanceObservation(
        "p-1", 1, true, true, timeline, 900L, 900L, null, streaming, "rw", "7", false, null);
  }

  @Test
  void aRestartedOperatorStartsFromWhatStatusRemembersOfTheLastPrimary() {
    answers.put("p-0", InstanceObservation.refused("p-0", 0));
    answers.put("p-1", standby(3, false));

    ObservedShard seen =
        monitor(Duration.ofSeconds(1))
            .observe(PODS, "p-0", true, null, true, false, new PrimaryHistory(5000L, 3L, "7"));

    assertThat(seen.lastPrimaryLsn()).as("the maxLagOnFailover reference").isEqualTo(5000L);
    assertThat(seen.lastPrimaryTimeline()).isEqualTo(3L);
    assertThat(seen.systemIdentifier()).isEqualTo("7");
  }

  @Test
  void aNewMonitorCreditsEachStandbyWithTheTimelineStatusLastSawItOn() {
    // the new leader: the primary is gone, the standby's receiver with it, and it reports its last
    // checkpoint's timeline (2); status saw it on 3
    answers.put("p-0", InstanceObservation.refused("p-0", 0));
    answers.put("p-1", standby(2, false));

    ObservedShard seen =
        monitor(Duration.ofSeconds(1))
            .observe(
                PODS,
                "p-0",
                true,
                null,
                true,
                false,
                new PrimaryHistory(5000L, 3L, "7", Map.of("p-0", 3L, "p-1", 3L)));

    assertThat(seen.instance("p-1").orElseThrow().timeline()).isEqualTo(3L);
  }

  @Test
  void aStandbyKeepsTheTimelineItStreamedOnOnceItsReceiverIsGone() {
    ShardMonitor monitor = monitor(Duration.ofSeconds(1));
    answers.put(
        "p-0",
        new InstanceObservation(
            "p-0", 0, true, false, 3L, null, null, 900L, false, null, "7", false, null));
    answers.put("p-1", standby(3, true));
    monitor.observe(PODS, "p-0", true, null, true, false, PrimaryHistory.NONE);

    // the primary died; the standby's receiver exited, it reports its last checkpoint's timeline
    answers.put("p-0", InstanceObservation.refused("p-0", 0));
    answers.put("p-1", standby(2, false));
    ObservedShard seen = monitor.observe(PODS, "p-0", true, null, true, false, PrimaryHistory.NONE);

    assertThat(seen.instance("p-1").orElseThrow().timeline()).isEqualTo(3L);
    assertThat(seen.lastPrimaryTimeline()).isEqualTo(3L);
  }

  @Test
  void aProbeThatHangsCountsAsAFailureAtItsDeadline() {
    answers.put("p-1", standby(1, true));
    // p-0 has no answer: its probe hangs

    // the probe never returns before the test ends: that the round returns at all is the point
    // (the generous bound only keeps a broken deadline from hanging the build)
    ObservedShard seen =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                monitor(Duration.ofMillis(200))
                    .observe(PODS, "p-0", true, null, true, false, PrimaryHistory.NONE));

    assertThat(seen.instance("p-0").orElseThrow().reachable()).isFalse();
    assertThat(seen.primaryFailures()).isEqualTo(1);
  }
}
