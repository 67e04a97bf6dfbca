package io.pgshard.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.api.v1alpha1.FailoverRecord;
import io.pgshard.operator.api.v1alpha1.InstanceStatus;
import io.pgshard.operator.api.v1alpha1.PartitionStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.failover.Lsn;
import io.pgshard.operator.failover.ObservedShard;
import io.pgshard.operator.status.ShardObservation.Instance;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardStatusUpdaterTest {

  ShardStatusUpdater updater =
      new ShardStatusUpdater(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

  static ShardObservation seen(
      List<Instance> instances, boolean initialized, int poolerReady, List<String> problems) {
    return new ShardObservation(
        3,
        2,
        instances,
        initialized,
        true,
        2,
        poolerReady,
        problems,
        null,
        null,
        null,
        0,
        null,
        false,
        null);
  }

  static final Instance PRIMARY = new Instance("s-0", "primary", true);
  static final Instance REPLICA = new Instance("s-1", "replica", true);

  @Test
  void aNewShardWithoutAPromotedInstanceIsCreatingAndSaysWhy() {
    PostgresShardStatus status =
        updater.update(
            null,
            seen(
                List.of(new Instance("s-0", null, true), new Instance("s-1", null, false)),
                false,
                0,
                List.of()));
    assertThat(status.getPhase()).isEqualTo("Creating");
    assertThat(status.getCurrentPrimary()).isNull();
    assertThat(status.getObservedGeneration()).isEqualTo(3);
    var ready = Conditions.find(status.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AwaitingPrimary");
    assertThat(ready.getMessage()).contains("1 of 2 instances ready");
    assertThat(status.getInstances())
        .extracting(InstanceStatus::getRole)
        .containsExactly("unknown", "unknown");
  }

  @Test
  void aShardWithAReadyPrimaryReplicasAndPoolerIsReady() {
    PostgresShardStatus status =
        updater.update(null, seen(List.of(REPLICA, PRIMARY), true, 2, List.of()));
    assertThat(status.getPhase()).isEqualTo("Ready");
    assertThat(status.getCurrentPrimary()).isEqualTo("s-0");
    assertThat(status.getReadyInstances()).isEqualTo(2);
    assertThat(Conditions.isTrue(status.getConditions(), "Ready")).isTrue();
    assertThat(Conditions.isTrue(status.getConditions(), "PoolerReady")).isTrue();
    assertThat(Conditions.isTrue(status.getConditions(), "Degraded")).isFalse();
    assertThat(status.getInstances())
        .extracting(InstanceStatus::getName)
        .containsExactly("s-0", "s-1");
  }

  @Test
  void anInitializedShardThatLosesItsPrimaryIsDegraded() {
    PostgresShardStatus ready =
        updater.update(null, seen(List.of(PRIMARY, REPLICA), true, 2, List.of()));
    PostgresShardStatus lost =
        updater.update(
            ready, seen(List.of(new Instance("s-1", "replica", true)), true, 2, List.of()));
    assertThat(lost.getPhase()).isEqualTo("Degraded");
    assertThat(Conditions.reason(lost.getConditions(), "Ready")).isEqualTo("NoPrimary");
    assertThat(Conditions.isTrue(lost.getConditions(), "Degraded")).isTrue();
  }

  @Test
  void aReadyShardWhosePoolerIsDownIsDegradedNotReady() {
    PostgresShardStatus ready =
        updater.update(null, seen(List.of(PRIMARY, REPLICA), true, 2, List.of()));
    PostgresShardStatus noPooler =
        updater.update(ready, seen(List.of(PRIMARY, REPLICA), true, 0, List.of()));
    assertThat(noPooler.getPhase()).isEqualTo("Degraded");
    assertThat(Conditions.reason(noPooler.getConditions(), "Ready")).isEqualTo("PoolerNotReady");
    assertThat(Conditions.isTrue(noPooler.getConditions(), "PoolerReady")).isFalse();
  }

  @Test
  void anInvalidSpecMakesReadyFalseWithTheFieldNamed() {
    PostgresShardStatus status =
        updater.update(
            null,
            seen(
                List.of(PRIMARY, REPLICA),
                true,
                2,
                List.of("spec.postgres.parameters.port: is set by the operator")));
    var ready = Conditions.find(status.getConditions(), "Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.postgres.parameters.port");
  }

  @Test
  void failoverRecordsAndMonitorReadingsAreCarriedOver() {
    PostgresShardStatus previous = new PostgresShardStatus();
    FailoverRecord failover = new FailoverRecord();
    failover.setFrom("s-1");
    failover.setTo("s-0");
    previous.setLastFailover(failover);
    previous.setTargetPrimary("s-0");
    InstanceStatus reading = new InstanceStatus();
    reading.setName("s-1");
    reading.setReplayLsn("0/3000060");
    reading.setLagBytes(128L);
    previous.setInstances(List.of(reading));
    PostgresShardStatus next =
        updater.update(previous, seen(List.of(PRIMARY, REPLICA), true, 2, List.of()));
    assertThat(next.getLastFailover().getFrom()).isEqualTo("s-1");
    assertThat(next.getTargetPrimary()).isEqualTo("s-0");
    assertThat(next.getInstances().get(1).getReplayLsn()).isEqualTo("0/3000060");
    assertThat(next.getInstances().get(1).getLagBytes()).isEqualTo(128L);
  }

  @Test
  void positionsComeFromWhatTheMonitorPublishedAndAreLeftOutForAnInstanceThatDidNotAnswer() {
    ObservedShard probed =
        new ObservedShard(
            "s-0",
            true,
            0,
            Lsn.parse("0/3000100"),
            "7",
            null,
            true,
            List.of(
                new InstanceObservation(
                    "s-0",
                    0,
                    true,
                    false,
                    2L,
                    null,
                    null,
                    Lsn.parse("0/3000100"),
                    false,
                    null,
                    "7",
                    false,
                    null),
                new InstanceObservation(
                    "s-1",
                    1,
                    true,
                    true,
                    2L,
                    Lsn.parse("0/3000100"),
                    Lsn.parse("0/3000060"),
                    null,
                    true,
                    "10.0.0.1",
                    "7",
                    false,
                    null),
                InstanceObservation.unreachable("s-2", 2)),
            null,
            false);
    Instant at = Instant.parse("2026-11-21T09:59:58Z");
    PostgresShardStatus previous = new PostgresShardStatus();
    InstanceStatus old = new InstanceStatus();
    old.setName("s-2");
    old.setTimeline(1L);
    old.setReplayLsn("0/1000000");
    previous.setInstances(List.of(old));

    PostgresShardStatus next =
        updater.update(
            previous,
            new ShardObservation(
                3,
                3,
                List.of(PRIMARY, REPLICA, new Instance("s-2", "replica", false)),
                true,
                false,
                0,
                0,
                List.of(),
                null,
                probed,
                at,
                0,
                null,
                false,
                null));

    assertThat(next.getInstancesProbedAt()).isEqualTo("2026-11-21T09:59:58Z");
    InstanceStatus primary = next.getInstances().get(0);
    assertThat(primary.getTimeline()).isEqualTo(2L);
    assertThat(primary.getLagBytes()).isZero();
    assertThat(primary.getReplayLsn()).isNull();
    InstanceStatus replica = next.getInstances().get(1);
    assertThat(replica.getReceiveLsn()).isEqualTo("0/3000100");
    assertThat(replica.getReplayLsn()).isEqualTo("0/3000060");
    assertThat(replica.getLagBytes()).isEqualTo(0xA0);
    InstanceStatus silent = next.getInstances().get(2);
    assertThat(silent.getTimeline()).isNull();
    assertThat(silent.getReplayLsn()).isNull();
  }

  static ShardObservation deciding(FailoverDecision decision) {
    return new ShardObservation(
        3,
        2,
        List.of(new Instance("s-1", "replica", true)),
        true,
        false,
        0,
        0,
        List.of(),
        decision,
        null,
        null,
        0,
        null,
        false,
        null);
  }

  static ShardObservation partitions(int tables, List<PartitionStatus> results) {
    return new ShardObservation(
        3,
        2,
        List.of(PRIMARY, REPLICA),
        true,
        false,
        0,
        0,
        List.of(),
        null,
        null,
        null,
        tables,
        results,
        false,
        null);
  }

  static PartitionStatus result(String table, String reason, String error) {
    PartitionStatus p = new PartitionStatus();
    p.setTable(table);
    p.setCount(4);
    p.setNewest(table + "_p202702");
    p.setReason(reason);
    p.setError(error);
    return p;
  }

  @Test
  void theGuardsMemoryAndARejoinGoToStatus() {
    ObservedShard probed =
        new ObservedShard(
            "s-0",
            true,
            0,
            Lsn.parse("0/3000100"),
            "7",
            null,
            true,
            List.of(
                new InstanceObservation(
                    "s-0",
                    0,
                    true,
                    false,
                    3L,
                    null,
                    null,
                    Lsn.parse("0/3000100"),
                    false,
                    null,
                    "7",
                    false,
                    null),
                new InstanceObservation(
                    "s-1",
                    1,
                    true,
                    true,
                    3L,
                    Lsn.parse("0/3000100"),
                    Lsn.parse("0/3000060"),
                    null,
                    true,
                    "10.0.0.1",
                    "7",
                    false,
                    "rewound 2026-11-21T09:58:00Z")),
            3L,
            false);

    PostgresShardStatus next =
        updater.update(
            new PostgresShardStatus(),
            new ShardObservation(
                3,
                2,
                List.of(PRIMARY, REPLICA),
                true,
                false,
                0,
                0,
                List.of(),
                null,
                probed,
                Instant.parse("2026-11-21T09:59:58Z"),
                0,
                null,
                false,
                null));

    assertThat(next.getLastPrimary().getLsn()).isEqualTo("0/3000100");
    assertThat(next.getLastPrimary().getTimeline()).isEqualTo(3L);
    assertThat(next.getLastPrimary().getSystemIdentifier()).isEqualTo("7");
    assertThat(ShardStatusUpdater.history(next).lsn()).isEqualTo(Lsn.parse("0/3000100"));
    assertThat(next.getInstances().get(1).getRejoin()).isEqualTo("rewound 2026-11-21T09:58:00Z");
    // without a new observation, the memory is carried over as it was
    PostgresShardStatus later =
        updater.update(
            next,
            new ShardObservation(
                3,
                2,
                List.of(PRIMARY, REPLICA),
                true,
                false,
                0,
                0,
                List.of(),
                null,
                null,
                null,
                0,
                null,
                false,
                null));
    assertThat(later.getLastPrimary().getTimeline()).isEqualTo(3L);
  }

  @Test
  void partitionsReadyFollowsTheMaintenanceResultsAndIsAbsentWithoutSchedules() {
    PostgresShardStatus pending = updater.update(null, partitions(2, null));
    assertThat(Conditions.find(pending.getConditions(), Conditions.PARTITIONS_READY).orElseThrow())
        .extracting(c -> c.getStatus(), c -> c.getReason())
        .containsExactly("Unknown", "Pending");

    PostgresShardStatus failed =
        updater.update(
            pending,
            partitions(
                2,
                List.of(
                    result("events", null, null),
                    result("clicks", "LockTimeout", "waited 2000 ms"))));
    var condition =
        Conditions.find(failed.getConditions(), Conditions.PARTITIONS_READY).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("LockTimeout");
    assertThat(condition.getMessage()).isEqualTo("clicks: waited 2000 ms");

    // nothing new from maintenance: the results stay
    PostgresShardStatus carried = updater.update(failed, partitions(2, null));
    assertThat(carried.getPartitions()).hasSize(2);

    PostgresShardStatus ok =
        updater.update(
            carried,
            partitions(2, List.of(result("events", null, null), result("clicks", null, null))));
    assertThat(Conditions.isTrue(ok.getConditions(), Conditions.PARTITIONS_READY)).isTrue();

    PostgresShardStatus none = updater.update(ok, partitions(0, null));
    assertThat(Conditions.find(none.getConditions(), Conditions.PARTITIONS_READY)).isEmpty();
    assertThat(none.getPartitions()).isEmpty();
  }

  @Test
  void aBlockedFailoverIsFailingOverWithTheReasonInWords() {
    PostgresShardStatus status =
        updater.update(
            null,
            deciding(
                new FailoverDecision.Wait("NoCandidate", "s-0 is gone; no reachable standby")));
    assertThat(status.getPhase()).isEqualTo("FailingOver");
    var failing = Conditions.find(status.getConditions(), "FailingOver").orElseThrow();
    assertThat(failing.getStatus()).isEqualTo("True");
    assertThat(failing.getReason()).isEqualTo("NoCandidate");
    assertThat(failing.getMessage()).contains("no reachable standby");
  }

  @Test
  void aRefusalAndAnUnreachablePrimaryHaveConditionsOfTheirOwn() {
    PostgresShardStatus refused =
        updater.update(
            null,
            deciding(
                new FailoverDecision.Refuse("CandidateTooFarBehind", "s-1 is 99 bytes behind")));
    assertThat(
            Conditions.find(refused.getConditions(), "FailoverRefused").orElseThrow().getReason())
        .isEqualTo("CandidateTooFarBehind");
    assertThat(Conditions.isTrue(refused.getConditions(), "FailingOver")).isFalse();

    PostgresShardStatus unreachable =
        updater.update(
            null,
            deciding(
                new FailoverDecision.Wait("PrimaryUnreachableFromOperator", "s-1 still streams")));
    assertThat(Conditions.isTrue(unreachable.getConditions(), "PrimaryUnreachableFromOperator"))
        .isTrue();
    assertThat(unreachable.getPhase()).isNotEqualTo("FailingOver");
  }

  @Test
  void aFailedProbeOrTwoChangesNoFailoverCondition() {
    PostgresShardStatus blocked =
        updater.update(null, deciding(new FailoverDecision.Wait("NoCandidate", "x")));
    PostgresShardStatus next =
        updater.update(
            blocked,
            deciding(new FailoverDecision.Wait("PrimaryProbeFailed", "s-0 failed 1 of 3")));
    assertThat(io.pgshard.operator.model.JsonEquality.same(blocked, next)).isTrue();
  }

  @Test
  void aHealthyPrimaryClearsTheFailoverConditions() {
    PostgresShardStatus refused =
        updater.update(null, deciding(new FailoverDecision.Refuse("MultiplePrimaries", "x")));
    PostgresShardStatus healthy =
        updater.update(
            refused, deciding(new FailoverDecision.None("PrimaryHealthy", "s-0 answers")));
    assertThat(Conditions.find(healthy.getConditions(), "FailoverRefused")).isEmpty();
    assertThat(Conditions.find(healthy.getConditions(), "FailingOver").orElseThrow().getStatus())
        .isEqualTo("False");
  }

  @Test
  void aNewShardWaitingForItsFirstInstanceIsNotFailingOver() {
    PostgresShardStatus status =
        updater.update(null, deciding(new FailoverDecision.Wait("AwaitingInstance", "first")));
    assertThat(status.getPhase()).isNotEqualTo("FailingOver");
  }

  @Test
  void aNewShardWhoseFirstPromotionWaitsIsCreatingNotFailingOver() {
    // seen on a real control plane: the first promotion is recorded before its target answers
    ShardObservation first =
        new ShardObservation(
            1,
            2,
            List.of(new Instance("s-0", null, false), new Instance("s-1", null, false)),
            false,
            false,
            0,
            0,
            List.of(),
            new FailoverDecision.Wait("PromotionTargetUnreachable", "s-0 does not answer yet"),
            null,
            null,
            0,
            null,
            false,
            null);
    PostgresShardStatus status = updater.update(null, first);
    assertThat(status.getPhase()).isEqualTo("Creating");
    assertThat(Conditions.isTrue(status.getConditions(), "FailingOver")).isFalse();
  }

  @Test
  void theSameObservationTwiceYieldsTheSameStatus() {
    PostgresShardStatus once =
        updater.update(null, seen(List.of(PRIMARY, REPLICA), true, 2, List.of()));
    ShardStatusUpdater later =
        new ShardStatusUpdater(Clock.fixed(Instant.parse("2026-11-21T11:00:00Z"), ZoneOffset.UTC));
    PostgresShardStatus twice =
        later.update(once, seen(List.of(PRIMARY, REPLICA), true, 2, List.of()));
    assertThat(io.pgshard.operator.model.JsonEquality.same(once, twice))
        .as("nothing to patch")
        .isTrue();
  }
}
