package io.pgshard.operator.failover;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.monitor.DirectConnection;
import io.pgshard.operator.monitor.InstanceProbe;
import io.pgshard.operator.monitor.JdbcPromoter;
import io.pgshard.operator.monitor.ShardMonitor;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShardControl;
import io.pgshard.operator.testing.LocalShards;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover on real PostgreSQL 15 and PgBouncer: the primary is killed with kill -9 under writes
 * through the pooler, and the monitor, policy and executor (as the reconciler will run them)
 * promote a standby. Pods and labels are local stand-ins ({@link LocalShardControl}).
 */
class FailoverIT {

  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String SHARD = "minimal-shard-0";

  LocalShards shards = new LocalShards();
  ExecutorService probes = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    probes.shutdownNow();
    shards.close();
  }

  @Test
  void killingThePrimaryPromotesTheMostAdvancedStandbyTheOtherFollowsAndTheOldOneRejoins()
      throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(2);
    Failover f = new Failover(s, settings());
    try (Writer writer =
        Writer.start(s.startPoolerAt(0), s.secret("minimal-app").get("password"))) {
      writer.awaitAcknowledged(50, TIMEOUT);
      long otherStandbyPid = s.pod(2).pid();
      long otherStandbyPid1 = s.pod(1).pid();

      s.pod(0).kill();
      FailoverDecision.Promote promotion = f.runUntilPromoted();

      assertThat(promotion.from()).isEqualTo(pod(0));
      // a killed primary refuses connections: down after two probes, without the whole threshold
      assertThat(promotion.reason()).isIn("PrimaryDown", "PrimaryUnreachable");
      InstanceObservation elected = f.lastSeen.instance(promotion.candidate()).orElseThrow();
      assertThat(f.lastSeen.instances().stream().filter(InstanceObservation::isStandby))
          .allSatisfy(
              i ->
                  assertThat(Long.compareUnsigned(elected.position(), i.position()))
                      .isGreaterThanOrEqualTo(0));
      int newPrimary = ResourceNames.ordinalOf(SHARD, promotion.candidate());
      int other = newPrimary == 1 ? 2 : 1;

      long acknowledgedAtPromotion = writer.acknowledged().size();
      writer.awaitAcknowledged(acknowledgedAtPromotion + 50, TIMEOUT);

      // the other standby follows the new timeline through the rw Service, without a restart
      assertThat(s.pod(other).pid()).isEqualTo(other == 2 ? otherStandbyPid : otherStandbyPid1);
      assertStreamsFrom(s, newPrimary, other);

      // the StatefulSet recreates the old primary's pod: it rewinds and follows
      f.control.podRecreated(pod(0));
      LocalPod old = s.startInstance(0, true);
      s.awaitReady(old, 0);
      assertStreamsFrom(s, newPrimary, 0);
      assertThat(old.log()).contains("rewind");
    }
  }

  @Test
  void inSyncModeNoAcknowledgedWriteIsLost() throws Exception {
    LocalShard s =
        shards.withPrimaryAndStandbys(
            2,
            c -> {
              c.getSpec().getReplication().setMode(ReplicationMode.SYNC);
              c.getSpec().getReplication().setSyncReplicas(1);
            });
    Failover f = new Failover(s, settings());
    try (Writer writer =
        Writer.start(s.startPoolerAt(0), s.secret("minimal-app").get("password"))) {
      writer.awaitAcknowledged(100, TIMEOUT);
      s.pod(0).kill();
      FailoverDecision.Promote promotion = f.runUntilPromoted();
      writer.awaitAcknowledged(writer.acknowledged().size() + 20, TIMEOUT);
      writer.close();

      int newPrimary = ResourceNames.ordinalOf(SHARD, promotion.candidate());
      List<Long> acknowledged = writer.acknowledged();
      try (Connection db = s.superuser(newPrimary, "app")) {
        assertThat(Writer.missing(db, acknowledged))
            .as("acknowledged commits missing on the new primary")
            .isEmpty();
      }
    }
  }

  @Test
  void anOperatorThatDiesBetweenFencingAndPromotingLeavesExactlyOnePrimaryAfterItRestarts()
      throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(2);
    Failover first = new Failover(s, settings());
    s.pod(0).kill();
    // the first operator process dies right after fencing: its promoter never runs
    FailoverExecutor dying =
        new FailoverExecutor(
            first.control,
            pod -> {
              throw new IllegalStateException("operator process killed");
            },
            System::currentTimeMillis,
            pod -> true);
    FailoverDecision.Promote decided = first.awaitPromotionDecision();
    try {
      dying.execute(decided);
    } catch (IllegalStateException expected) {
      // as if the process had gone
    }
    first.monitor.close();
    assertThat(first.control.target()).isEqualTo(decided.candidate());
    assertThat(first.control.labelledPrimary()).isNull();

    // a new operator (fresh monitor, same recorded state) finishes the same promotion
    Failover second = new Failover(s, settings(), first.control);
    FailoverDecision.Promote resumed = second.runUntilPromoted();
    assertThat(resumed.reason()).isEqualTo("ResumingPromotion");
    assertThat(resumed.candidate()).isEqualTo(decided.candidate());

    List<Integer> primaries = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      try (Connection db = s.superuser(i, "postgres")) {
        if ("f".equals(single(db, "SELECT pg_is_in_recovery()"))) {
          primaries.add(i);
        }
      }
    }
    assertThat(primaries).containsExactly(ResourceNames.ordinalOf(SHARD, decided.candidate()));
  }

  static FailoverSettings settings() {
    return new FailoverSettings(true, 3, 16L << 20);
  }

  static String pod(int ordinal) {
    return ResourceNames.pod(SHARD, ordinal);
  }

  static void assertStreamsFrom(LocalShard s, int primary, int standby) throws SQLException {
    try (Connection db = s.superuser(primary, "postgres")) {
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  single(
                      db,
                      "SELECT state FROM pg_stat_replication WHERE application_name = '"
                          + pod(standby)
                          + "'"),
              "streaming"::equals);
    }
  }

  /** Monitor, policy and executor, looped once per probe interval as the reconciler will. */
  final class Failover {
    final LocalShard s;
    final FailoverSettings settings;
    final LocalShardControl control;
    final ShardMonitor monitor;
    final FailoverExecutor executor;
    ObservedShard lastSeen;

    Failover(LocalShard s, FailoverSettings settings) {
      this(s, settings, new LocalShardControl(s, SHARD, pod(0)));
    }

    Failover(LocalShard s, FailoverSettings settings, LocalShardControl control) {
      this.s = s;
      this.settings = settings;
      this.control = control;
      Map<String, String> su = s.superuserCredentials();
      this.monitor =
          new ShardMonitor(
              (p, endpoint) ->
                  new InstanceProbe(
                      p,
                      endpoint.ordinal(),
                      endpoint.host(),
                      5432,
                      su.get("username"),
                      su.get("password"),
                      Duration.ofSeconds(1)),
              probes);
      this.executor =
          new FailoverExecutor(
              control,
              new JdbcPromoter(
                  new DirectConnection(
                      p -> s.ip(ResourceNames.ordinalOf(SHARD, p)),
                      5432,
                      su.get("username"),
                      su.get("password"))),
              System::currentTimeMillis,
              // the local stand-in for a pod going away: its process has exited
              p -> {
                LocalPod pod = s.pod(ResourceNames.ordinalOf(SHARD, p));
                return pod == null || !pod.isAlive();
              });
    }

    /** Observes and decides until the policy says promote; does not act. */
    FailoverDecision.Promote awaitPromotionDecision() throws Exception {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        lastSeen =
            monitor.observe(
                pods(),
                control.labelledPrimary(),
                control.podExists(control.labelledPrimary()),
                control.target(),
                true);
        if (FailoverPolicy.decide(settings, lastSeen) instanceof FailoverDecision.Promote promote) {
          return promote;
        }
        Thread.sleep(250);
      }
      throw new AssertionError("no promotion decided within " + TIMEOUT);
    }

    Map<String, ShardMonitor.Endpoint> pods() {
      Map<String, ShardMonitor.Endpoint> pods = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++) {
        pods.put(pod(i), new ShardMonitor.Endpoint(i, s.ip(i)));
      }
      return pods;
    }

    FailoverDecision.Promote runUntilPromoted() throws Exception {
      Map<String, ShardMonitor.Endpoint> pods = pods();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        lastSeen =
            monitor.observe(
                pods,
                control.labelledPrimary(),
                control.podExists(control.labelledPrimary()),
                control.target(),
                true);
        FailoverDecision decision = FailoverPolicy.decide(settings, lastSeen);
        if (decision instanceof FailoverDecision.Promote promote) {
          executor.execute(promote);
          monitor.close();
          return promote;
        }
        Thread.sleep(1000);
      }
      throw new AssertionError("no promotion within " + TIMEOUT + "; last seen " + lastSeen);
    }
  }
}
