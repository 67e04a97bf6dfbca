package io.pgshard.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The order of a switchover's steps, and how each failure is undone; every side recorded. */
class SwitchoverExecutorTest {

  final List<String> steps = new ArrayList<>();
  final AtomicLong clock = new AtomicLong(1_000);
  long flushLsn = 500;
  long replayLsn = 500;
  long replayStep = 0;
  String pauseFails;
  String fenceFails;
  boolean promotionFails;
  boolean drains = true;
  boolean shutDownUnderFence;

  final ShardControl control =
      new ShardControl() {
        @Override
        public void recordTarget(String pod) {
          steps.add("recordTarget " + pod);
        }

        @Override
        public void removePrimaryLabel(String pod) {
          steps.add("unlabel " + pod);
        }

        @Override
        public void deletePod(String pod, boolean immediately) {
          steps.add("delete " + pod);
        }

        @Override
        public void labelPrimary(String pod) {
          steps.add("label " + pod);
        }

        @Override
        public void recordPromotion(FailoverDecision.Promote promotion, long at) {
          steps.add(
              "record "
                  + promotion.reason()
                  + " "
                  + promotion.from()
                  + "->"
                  + promotion.candidate());
        }
      };

  final PoolerControl poolers =
      new PoolerControl() {
        @Override
        public void pause() throws SwitchoverException {
          steps.add("pause");
          if (pauseFails != null) {
            throw new SwitchoverException("PoolerPauseFailed", pauseFails);
          }
        }

        @Override
        public void awaitRoute(String primary) {
          steps.add("routed " + primary);
        }

        @Override
        public void resume() {
          steps.add("resume");
        }
      };

  final PrimaryFence fence =
      new PrimaryFence() {
        @Override
        public OptionalLong fence(String pod) throws SwitchoverException {
          steps.add("fence " + pod);
          if (fenceFails != null) {
            throw new SwitchoverException("FenceFailed", fenceFails);
          }
          return shutDownUnderFence ? OptionalLong.empty() : OptionalLong.of(flushLsn);
        }

        @Override
        public void unfence(String pod) {
          steps.add("unfence " + pod);
        }

        @Override
        public boolean awaitStopped(String pod) {
          steps.add("stopped " + pod);
          return true;
        }

        @Override
        public boolean awaitDrained(String pod) {
          steps.add("drained " + pod);
          return drains;
        }

        @Override
        public long replayLsn(String pod) {
          replayLsn += replayStep;
          return replayLsn;
        }
      };

  SwitchoverExecutor executor() {
    Promoter promoter =
        pod -> {
          steps.add("promote " + pod);
          if (promotionFails) {
            throw new Promoter.PromotionFailedException("promotion of " + pod + " failed", null);
          }
        };
    return new SwitchoverExecutor(
        control, promoter, poolers, fence, clock::get, clock::addAndGet, Duration.ofSeconds(10));
  }

  @Test
  void pausesFencesWaitsForReplayPromotesThenResumes() throws Exception {
    replayLsn = 100;
    replayStep = 100;
    executor().execute("s-0", "s-1");
    assertThat(steps)
        .containsExactly(
            "pause",
            "fence s-0",
            "recordTarget s-1",
            "unlabel s-0",
            "delete s-0",
            "stopped s-0",
            "drained s-1",
            "promote s-1",
            "label s-1",
            "routed s-1",
            "resume",
            "record Switchover s-0->s-1");
  }

  @Test
  void aTargetThatDoesNotDrainInTimeIsPromotedAllTheSameForTheOldPrimaryIsFenced()
      throws Exception {
    drains = false;
    executor().execute("s-0", "s-1");
    assertThat(steps)
        .contains("drained s-1", "promote s-1", "label s-1")
        .endsWith("resume", "record Switchover s-0->s-1");
  }

  /**
   * A Terminating primary's preStop hook stops it once it sees the fence, which can end the fence's
   * own session: no flush position to wait for, so the promotion waits for the stop and the drain.
   */
  @Test
  void aPrimaryThatShutsDownUnderTheFenceIsDrainedNotUnfenced() throws Exception {
    shutDownUnderFence = true;
    flushLsn = 1000;
    replayLsn = 10;
    executor().execute("s-0", "s-1");
    assertThat(steps)
        .containsExactly(
            "pause",
            "fence s-0",
            "recordTarget s-1",
            "unlabel s-0",
            "delete s-0",
            "stopped s-0",
            "drained s-1",
            "promote s-1",
            "label s-1",
            "routed s-1",
            "resume",
            "record Switchover s-0->s-1");
  }

  @Test
  void aTargetThatDoesNotCatchUpLeavesTheOldPrimaryInCharge() {
    flushLsn = 1000;
    replayLsn = 10;
    assertThatThrownBy(() -> executor().execute("s-0", "s-1"))
        .isInstanceOfSatisfying(
            SwitchoverException.class, e -> assertThat(e.reason()).isEqualTo("TargetNotCaughtUp"))
        .hasMessageContaining("s-0 stays primary");
    assertThat(steps).containsExactly("pause", "fence s-0", "unfence s-0", "resume");
  }

  @Test
  void aPoolerThatCannotPauseAbortsBeforeAnythingIsFenced() {
    pauseFails = "pooler-1 did not pause within 10 s";
    assertThatThrownBy(() -> executor().execute("s-0", "s-1"))
        .isInstanceOfSatisfying(
            SwitchoverException.class, e -> assertThat(e.reason()).isEqualTo("PoolerPauseFailed"));
    assertThat(steps).containsExactly("pause", "resume");
  }

  @Test
  void aFenceThatFailsIsUndone() {
    fenceFails = "connection refused";
    assertThatThrownBy(() -> executor().execute("s-0", "s-1"))
        .isInstanceOf(SwitchoverException.class);
    assertThat(steps).containsExactly("pause", "fence s-0", "unfence s-0", "resume");
  }

  @Test
  void aFailedPromotionStaysOnRecordAndThePoolersResume() {
    promotionFails = true;
    assertThatThrownBy(() -> executor().execute("s-0", "s-1"))
        .isInstanceOfSatisfying(
            SwitchoverException.class, e -> assertThat(e.reason()).isEqualTo("PromotionFailed"))
        .hasMessageContaining("stays on record");
    assertThat(steps)
        .containsExactly(
            "pause",
            "fence s-0",
            "recordTarget s-1",
            "unlabel s-0",
            "delete s-0",
            "stopped s-0",
            "drained s-1",
            "promote s-1",
            "resume");
  }
}
