package io.pgshard.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.failover.FailoverDecision.None;
import io.pgshard.operator.failover.FailoverDecision.Promote;
import io.pgshard.operator.failover.FailoverDecision.Refuse;
import io.pgshard.operator.failover.FailoverDecision.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {

  static final FailoverSettings DEFAULTS = new FailoverSettings(true, 3, 16L << 20);
  static final String SYSID = "7300000000000000001";

  static InstanceObservation primary(int ordinal, long lsn) {
    return new InstanceObservation(
        pod(ordinal), ordinal, true, false, 2L, null, null, lsn, false, null, SYSID, false, null);
  }

  static InstanceObservation standby(int ordinal, Long receive, Long replay, boolean streaming) {
    return new InstanceObservation(
        pod(ordinal),
        ordinal,
        true,
        true,
        2L,
        receive,
        replay,
        null,
        streaming,
        "s-rw",
        SYSID,
        false,
        null);
  }

  static InstanceObservation down(int ordinal) {
    return InstanceObservation.unreachable(pod(ordinal), ordinal);
  }

  static String pod(int ordinal) {
    return "s-" + ordinal;
  }

  static ObservedShard shard(
      String labelled, int failures, Long lastLsn, InstanceObservation... instances) {
    return new ObservedShard(
        labelled, true, failures, lastLsn, SYSID, null, true, List.of(instances), null, false);
  }

  @Test
  void leavesAHealthyPrimaryAlone() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS, shard("s-0", 0, 1000L, primary(0, 1000), standby(1, 1000L, 990L, true)));
    assertThat(d).isInstanceOf(None.class);
    assertThat(d.reason()).isEqualTo("PrimaryHealthy");
  }

  @Test
  void waitsUntilThePrimaryFailsFailureThresholdConsecutiveProbes() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS, shard("s-0", 2, 1000L, down(0), standby(1, 1000L, 1000L, false)));
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(d.message()).contains("2 of 3");
  }

  @Test
  void promotesTheStandbyWithTheHighestReceiveLsn() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS,
            shard(
                "s-0",
                3,
                5000L,
                down(0),
                standby(1, 4000L, 4000L, false),
                standby(2, 4900L, 3000L, false)));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-2");
              assertThat(p.from()).isEqualTo("s-0");
              assertThat(p.lostBytesEstimate()).isEqualTo(100);
              assertThat(p.reason()).isEqualTo("PrimaryUnreachable");
            });
  }

  @Test
  void breaksTiesOnReplayLsnThenOnTheLowestOrdinal() {
    FailoverDecision byReplay =
        FailoverPolicy.decide(
            DEFAULTS,
            shard(
                "s-0",
                3,
                5000L,
                down(0),
                standby(1, 5000L, 4000L, false),
                standby(2, 5000L, 4500L, false)));
    assertThat(((Promote) byReplay).candidate()).isEqualTo("s-2");
    FailoverDecision byOrdinal =
        FailoverPolicy.decide(
            DEFAULTS,
            shard(
                "s-0",
                3,
                5000L,
                down(0),
                standby(2, 5000L, 5000L, false),
                standby(1, 5000L, 5000L, false)));
    assertThat(((Promote) byOrdinal).candidate()).isEqualTo("s-1");
  }

  @Test
  void usesTheReplayPositionOfAStandbyThatHasNotStreamedSinceItStarted() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS,
            shard(
                "s-0",
                3,
                5000L,
                down(0),
                standby(1, null, 4800L, false),
                standby(2, 4700L, 4700L, false)));
    assertThat(((Promote) d).candidate()).isEqualTo("s-1");
  }

  @Test
  void refusesToFailOverWhileAReplicaStillStreamsFromTheOldPrimary() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS,
            shard(
                "s-0",
                10,
                5000L,
                down(0),
                standby(1, 5000L, 5000L, true),
                standby(2, 4000L, 4000L, false)));
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(d.reason()).isEqualTo("PrimaryUnreachableFromOperator");
    assertThat(d.message()).contains("s-1");
  }

  @Test
  void failsOverAtOnceWhenThePrimaryPodIsGone() {
    ObservedShard gone =
        new ObservedShard(
            "s-0",
            false,
            0,
            5000L,
            SYSID,
            null,
            true,
            List.of(standby(1, 5000L, 5000L, false)),
            null,
            false);
    FailoverDecision d = FailoverPolicy.decide(DEFAULTS, gone);
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-1");
              assertThat(p.reason()).isEqualTo("PrimaryPodGone");
            });
  }

  @Test
  void failsOverAtOnceWhenThePrimaryRestartedAsAStandbyAndMayPickItAgain() {
    InstanceObservation restarted = standby(0, null, 6000L, false);
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS, shard("s-0", 0, 6000L, restarted, standby(1, 5500L, 5500L, true)));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.reason()).isEqualTo("PrimaryInRecovery");
              assertThat(p.candidate())
                  .as("it has the most WAL: no rewind, nothing lost")
                  .isEqualTo("s-0");
              assertThat(p.lostBytesEstimate()).isZero();
            });
  }

  @Test
  void refusesACandidateFurtherBehindThanMaxLagOnFailover() {
    FailoverSettings tight = new FailoverSettings(true, 3, 1000);
    FailoverDecision d =
        FailoverPolicy.decide(
            tight, shard("s-0", 3, 10_000L, down(0), standby(1, 8_000L, 8_000L, false)));
    assertThat(d).isInstanceOf(Refuse.class);
    assertThat(d.reason()).isEqualTo("CandidateTooFarBehind");
    assertThat(d.message())
        .contains("s-1")
        .contains("2000 bytes behind")
        .contains("promote it by hand");
  }

  @Test
  void neverPromotesAStandbyOfAnotherCluster() {
    InstanceObservation stranger =
        new InstanceObservation(
            "s-1", 1, true, true, 2L, 9000L, 9000L, null, false, null, "999", false, null);
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS, shard("s-0", 3, 5000L, down(0), stranger, standby(2, 4990L, 4990L, false)));
    assertThat(((Promote) d).candidate()).isEqualTo("s-2");
  }

  @Test
  void waitsWhenNoStandbyCanBePromoted() {
    FailoverDecision d = FailoverPolicy.decide(DEFAULTS, shard("s-0", 3, 5000L, down(0), down(1)));
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(d.reason()).isEqualTo("NoCandidate");
  }

  @Test
  void finishesARecordedPromotionInsteadOfChoosingAgain() {
    ObservedShard midway =
        new ObservedShard(
            "s-0",
            true,
            9,
            5000L,
            SYSID,
            "s-1",
            true,
            List.of(down(0), standby(1, 4000L, 4000L, false), standby(2, 5000L, 5000L, false)),
            null,
            false);
    FailoverDecision d = FailoverPolicy.decide(DEFAULTS, midway);
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate())
                  .as("the recorded target, not the best candidate now")
                  .isEqualTo("s-1");
              assertThat(p.reason()).isEqualTo("ResumingPromotion");
            });
  }

  @Test
  void waitsForAnUnreachablePromotionTargetRatherThanChoosingAnother() {
    ObservedShard midway =
        new ObservedShard(
            "s-0",
            true,
            9,
            5000L,
            SYSID,
            "s-1",
            true,
            List.of(down(0), down(1), standby(2, 5000L, 5000L, false)),
            null,
            false);
    assertThat(FailoverPolicy.decide(DEFAULTS, midway).reason())
        .isEqualTo("PromotionTargetUnreachable");
  }

  @Test
  void neverChoosesBetweenTwoPrimaries() {
    FailoverDecision d =
        FailoverPolicy.decide(DEFAULTS, shard("s-0", 0, 5000L, primary(0, 5000), primary(1, 5100)));
    assertThat(d).isInstanceOf(Refuse.class);
    assertThat(d.reason()).isEqualTo("MultiplePrimaries");
  }

  @Test
  void refusesToRelabelWhenAnUnlabelledInstanceRunsAsPrimary() {
    FailoverDecision d =
        FailoverPolicy.decide(DEFAULTS, shard("s-0", 3, 5000L, down(0), primary(1, 5100)));
    assertThat(d.reason()).isEqualTo("UnexpectedPrimary");
  }

  @Test
  void labelsARunningPrimaryThatHasNoLabel() {
    FailoverDecision d =
        FailoverPolicy.decide(
            DEFAULTS, shard(null, 0, null, primary(0, 5000), standby(1, 5000L, 5000L, true)));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-0");
              assertThat(p.reason()).isEqualTo("PrimaryNotLabelled");
            });
  }

  @Test
  void promotesTheFirstPrimaryOfANewShardEvenWithFailoverDisabled() {
    FailoverSettings disabled = new FailoverSettings(false, 3, 0);
    ObservedShard fresh =
        new ObservedShard(
            null,
            false,
            0,
            null,
            null,
            null,
            false,
            List.of(standby(0, null, 100L, false), down(1)),
            null,
            false);
    FailoverDecision d = FailoverPolicy.decide(disabled, fresh);
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-0");
              assertThat(p.from()).isNull();
              assertThat(p.reason()).isEqualTo("InitialPromotion");
            });
  }

  @Test
  void refusesToFailOverWhenFailoverIsDisabled() {
    FailoverSettings disabled = new FailoverSettings(false, 3, 16L << 20);
    FailoverDecision d =
        FailoverPolicy.decide(
            disabled, shard("s-0", 3, 5000L, down(0), standby(1, 5000L, 5000L, false)));
    assertThat(d).isInstanceOf(Refuse.class);
    assertThat(d.reason()).isEqualTo("FailoverDisabled");
  }

  @Test
  void lsnsParseAndFormatAsPostgresqlPrintsThemAndSubtractToBytes() {
    assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) + 0xB374D848L);
    assertThat(Lsn.format(Lsn.parse("0/3000060"))).isEqualTo("0/3000060");
    assertThat(Lsn.parse("1/0") - Lsn.parse("0/FFFFFFFF")).isEqualTo(1);
  }
}
