package io.pgshard.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of a failover's steps, and that nothing is promoted before the fence is confirmed. */
class FailoverExecutorTest {

  final List<String> steps = new ArrayList<>();

  final ShardControl control =
      new ShardControl() {
        @Override
        public void recordTarget(String pod) {
          steps.add("target " + pod);
        }

        @Override
        public void removePrimaryLabel(String pod) {
          steps.add("unlabel " + pod);
        }

        @Override
        public void deletePod(String pod, boolean immediately) {
          steps.add((immediately ? "kill " : "delete ") + pod);
        }

        @Override
        public void labelPrimary(String pod) {
          steps.add("label " + pod);
        }

        @Override
        public void recordPromotion(FailoverDecision.Promote promotion, long promotedAtMillis) {
          steps.add("record " + promotion.candidate());
        }
      };

  final Promoter promoter = pod -> steps.add("promote " + pod);

  FailoverExecutor executor(boolean confirmed) {
    return new FailoverExecutor(
        control,
        promoter,
        () -> 0L,
        pod -> {
          steps.add("confirm " + pod);
          return confirmed;
        });
  }

  @Test
  void anUnconfirmedFenceStopsBeforeThePromotionAndKeepsTheTarget() {
    var promote = new FailoverDecision.Promote("s-1", "s-0", 0, "PrimaryUnreachable", "m", false);

    assertThatThrownBy(() -> executor(false).execute(promote))
        .isInstanceOf(FencePendingException.class)
        .hasMessageContaining("s-0");

    assertThat(steps).containsExactly("target s-1", "unlabel s-0", "kill s-0", "confirm s-0");
  }

  @Test
  void aConfirmedFenceIsFollowedByThePromotion() throws Exception {
    var promote = new FailoverDecision.Promote("s-1", "s-0", 0, "PrimaryUnreachable", "m", false);

    executor(true).execute(promote);

    assertThat(steps)
        .containsExactly(
            "target s-1",
            "unlabel s-0",
            "kill s-0",
            "confirm s-0",
            "promote s-1",
            "label s-1",
            "record s-1");
  }

  @Test
  void aPrimaryKnownToBeFencedIsDeletedGracefullyAndNotCheckedAgain() throws Exception {
    var promote = new FailoverDecision.Promote("s-1", "s-0", 0, "Switchover", "m", true);

    executor(false).execute(promote);

    assertThat(steps)
        .containsExactly(
            "target s-1", "unlabel s-0", "delete s-0", "promote s-1", "label s-1", "record s-1");
  }
}
