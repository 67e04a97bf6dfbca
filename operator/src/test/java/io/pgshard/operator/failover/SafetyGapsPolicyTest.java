package io.pgshard.operator.failover;

import static io.pgshard.operator.failover.FailoverPolicyTest.SYSID;
import static io.pgshard.operator.failover.FailoverPolicyTest.down;
import static io.pgshard.operator.failover.FailoverPolicyTest.pod;
import static io.pgshard.operator.failover.FailoverPolicyTest.primary;
import static io.pgshard.operator.failover.FailoverPolicyTest.standby;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.failover.FailoverDecision.Handover;
import io.pgshard.operator.failover.FailoverDecision.Promote;
import io.pgshard.operator.failover.FailoverDecision.Wait;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The safety gaps a review of the failover policy found, one test each: synchronous quorum
 * intersection, timelines, a Terminating primary, a promotion whose record was never written, and
 * which promotions need their fence confirmed.
 */
class SafetyGapsPolicyTest {

  /** ANY 1 of 2 standbys. */
  static final FailoverSettings SYNC_1_OF_2 = new FailoverSettings(true, 3, 16L << 20, 1, 2);

  static final FailoverSettings ASYNC = FailoverPolicyTest.DEFAULTS;

  static InstanceObservation standbyOn(int ordinal, long timeline, long lsn) {
    return new InstanceObservation(
        pod(ordinal),
        ordinal,
        true,
        true,
        timeline,
        lsn,
        lsn,
        null,
        false,
        "s-rw",
        SYSID,
        false,
        null);
  }

  static ObservedShard failed(
      Long lastTimeline, boolean terminating, InstanceObservation... instances) {
    return new ObservedShard(
        "s-0", true, 3, 5000L, SYSID, null, true, List.of(instances), lastTimeline, terminating);
  }

  @Test
  void syncModeWaitsUntilEnoughStandbysAnswerThatOneHoldsEveryAcknowledgedCommit() {
    // ANY 1 (s-1, s-2): a commit acknowledged by s-2 alone is not on s-1
    FailoverDecision d =
        FailoverPolicy.decide(
            SYNC_1_OF_2, failed(2L, false, down(0), standbyOn(1, 2, 4000), down(2)));
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(d.reason()).isEqualTo("SyncQuorumIncomplete");
    assertThat(d.message()).contains("1 standby(s) answer but 2 must be examined");
  }

  @Test
  void syncModePromotesTheMostAdvancedOfTheQuorumAndCountsItAsFenced() {
    FailoverDecision d =
        FailoverPolicy.decide(
            SYNC_1_OF_2, failed(2L, false, down(0), standbyOn(1, 2, 4000), standbyOn(2, 2, 4100)));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-2");
              assertThat(p.fenced())
                  .as("no standby of the quorum streams from s-0: it cannot acknowledge a commit")
                  .isTrue();
            });
  }

  @Test
  void asyncModeNeedsNoQuorumButTheFenceOfAnUnansweringPrimaryMustBeConfirmed() {
    FailoverDecision d =
        FailoverPolicy.decide(ASYNC, failed(2L, false, down(0), standbyOn(1, 2, 4000), down(2)));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-1");
              assertThat(p.fenced()).as("s-0 may be frozen, not dead").isFalse();
            });
  }

  @Test
  void aPrimaryThatRefusesConnectionsIsDownAndCountsAsFenced() {
    InstanceObservation refused = InstanceObservation.refused("s-0", 0);
    FailoverDecision d =
        FailoverPolicy.decide(ASYNC, failed(2L, false, refused, standbyOn(1, 2, 4000)));
    assertThat(d).isInstanceOfSatisfying(Promote.class, p -> assertThat(p.fenced()).isTrue());
  }

  @Test
  void aPrimaryRefusingConnectionsTwiceIsDownWithoutWaitingOutTheThreshold() {
    FailoverSettings patient = new FailoverSettings(true, 10, 16L << 20);
    InstanceObservation refused = InstanceObservation.refused("s-0", 0);
    ObservedShard once =
        new ObservedShard(
            "s-0",
            true,
            1,
            5000L,
            SYSID,
            null,
            true,
            List.of(refused, standbyOn(1, 2, 5000)),
            2L,
            false);
    ObservedShard twice =
        new ObservedShard(
            "s-0",
            true,
            2,
            5000L,
            SYSID,
            null,
            true,
            List.of(refused, standbyOn(1, 2, 5000)),
            2L,
            false);

    assertThat(FailoverPolicy.decide(patient, once)).isInstanceOf(Wait.class);
    assertThat(FailoverPolicy.decide(patient, twice))
        .isInstanceOfSatisfying(
            Promote.class, p -> assertThat(p.reason()).isEqualTo("PrimaryDown"));
    // a timeout (frozen, cut off) waits for the whole threshold
    ObservedShard silent =
        new ObservedShard(
            "s-0",
            true,
            2,
            5000L,
            SYSID,
            null,
            true,
            List.of(down(0), standbyOn(1, 2, 5000)),
            2L,
            false);
    assertThat(FailoverPolicy.decide(patient, silent)).isInstanceOf(Wait.class);
  }

  @Test
  void aStandbyOnAnotherTimelineThanTheLastPrimaryIsNeverPromoted() {
    // s-2 has more WAL, but on timeline 2: it followed the old history past the fork to 3
    FailoverDecision d =
        FailoverPolicy.decide(
            ASYNC, failed(3L, false, down(0), standbyOn(1, 3, 4000), standbyOn(2, 2, 9000)));
    assertThat(d)
        .isInstanceOfSatisfying(Promote.class, p -> assertThat(p.candidate()).isEqualTo("s-1"));
  }

  @Test
  void waitsRatherThanPromoteOnlyStandbysOfAnotherTimeline() {
    FailoverDecision d =
        FailoverPolicy.decide(ASYNC, failed(3L, false, down(0), standbyOn(1, 2, 9000)));
    assertThat(d).isInstanceOf(Wait.class);
    assertThat(d.reason()).isEqualTo("CandidateOnOtherTimeline");
    assertThat(d.message()).contains("[s-1]");
  }

  @Test
  void aTerminatingPrimaryThatStillAnswersHandsOverInsteadOfFailingOver() {
    FailoverDecision d =
        FailoverPolicy.decide(
            ASYNC,
            new ObservedShard(
                "s-0",
                true,
                0,
                5000L,
                SYSID,
                null,
                true,
                List.of(primary(0, 5000), standby(1, 5000L, 5000L, true)),
                2L,
                true));
    assertThat(d)
        .isInstanceOfSatisfying(
            Handover.class,
            h -> {
              assertThat(h.candidate()).isEqualTo("s-1");
              assertThat(h.from()).isEqualTo("s-0");
            });
  }

  @Test
  void aTerminatingPrimaryThatNoLongerAnswersIsReplacedAtOnce() {
    FailoverDecision d =
        FailoverPolicy.decide(
            ASYNC,
            new ObservedShard(
                "s-0",
                true,
                1,
                5000L,
                SYSID,
                null,
                true,
                List.of(down(0), standbyOn(1, 2, 5000)),
                2L,
                true));
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-1");
              assertThat(p.reason()).isEqualTo("PrimaryPodGone");
              assertThat(p.fenced()).as("confirmed once its pod is gone").isFalse();
            });
  }

  @Test
  void aPromotionWhoseRecordWasNeverWrittenIsRecordedNotLeftAsATarget() {
    // promoted and labelled; the status write that clears the target failed
    ObservedShard stuck =
        new ObservedShard(
            "s-1",
            true,
            0,
            5000L,
            SYSID,
            "s-1",
            true,
            List.of(standbyOn(0, 2, 4000), primary(1, 5000)),
            2L,
            false);
    FailoverDecision d = FailoverPolicy.decide(ASYNC, stuck);
    assertThat(d)
        .isInstanceOfSatisfying(
            Promote.class,
            p -> {
              assertThat(p.candidate()).isEqualTo("s-1");
              assertThat(p.from()).isNull();
              assertThat(p.reason()).isEqualTo("PromotionRecorded");
            });
  }

  @Test
  void aStaleTargetNeverStopsTheFailoverOfItsOwnFailure() {
    // the stale target s-1 became the primary and then died: fail over, do not wait for it
    ObservedShard stale =
        new ObservedShard(
            "s-1",
            true,
            3,
            5000L,
            SYSID,
            "s-1",
            true,
            List.of(standbyOn(0, 2, 5000), down(1)),
            2L,
            false);
    FailoverDecision d = FailoverPolicy.decide(ASYNC, stale);
    assertThat(d)
        .isInstanceOfSatisfying(Promote.class, p -> assertThat(p.candidate()).isEqualTo("s-0"));
  }

  @Test
  void quorumIsNMinusKPlusOneAndZeroInAsyncMode() {
    assertThat(new FailoverSettings(true, 3, 0, 1, 2).quorum()).isEqualTo(2);
    assertThat(new FailoverSettings(true, 3, 0, 2, 2).quorum()).isEqualTo(1);
    assertThat(new FailoverSettings(true, 3, 0, 1, 4).quorum()).isEqualTo(4);
    assertThat(new FailoverSettings(true, 3, 0).quorum()).isZero();
  }
}
