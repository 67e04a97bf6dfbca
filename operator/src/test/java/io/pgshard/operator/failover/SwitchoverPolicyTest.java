package io.pgshard.operator.failover;

import static io.pgshard.operator.failover.FailoverPolicyTest.DEFAULTS;
import static io.pgshard.operator.failover.FailoverPolicyTest.SYSID;
import static io.pgshard.operator.failover.FailoverPolicyTest.down;
import static io.pgshard.operator.failover.FailoverPolicyTest.primary;
import static io.pgshard.operator.failover.FailoverPolicyTest.shard;
import static io.pgshard.operator.failover.FailoverPolicyTest.standby;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SwitchoverPolicyTest {

  static Optional<String> refusal(ObservedShard shard, String target) {
    return SwitchoverPolicy.check(DEFAULTS, shard, target).map(FailoverDecision::reason);
  }

  @Test
  void allowsAStreamingStandbyOfAHealthyPrimary() {
    ObservedShard s = shard("s-0", 0, 1000L, primary(0, 1000), standby(1, 1000L, 990L, true));
    assertThat(refusal(s, "s-1")).isEmpty();
  }

  @Test
  void refusesATargetThatIsNotAnInstance() {
    ObservedShard s = shard("s-0", 0, 1000L, primary(0, 1000), standby(1, 1000L, 990L, true));
    assertThat(refusal(s, "s-7")).contains("UnknownTarget");
  }

  @Test
  void refusesWithoutAHealthyPrimary() {
    assertThat(refusal(shard("s-0", 1, 1000L, down(0), standby(1, 1000L, 990L, true)), "s-1"))
        .contains("PrimaryNotHealthy");
    assertThat(
            refusal(
                shard(null, 0, null, standby(0, 1L, 1L, false), standby(1, 1L, 1L, false)), "s-1"))
        .contains("PrimaryNotHealthy");
  }

  @Test
  void refusesATargetThatDoesNotStreamOrIsDown() {
    assertThat(
            refusal(
                shard("s-0", 0, 1000L, primary(0, 1000), standby(1, 1000L, 990L, false)), "s-1"))
        .contains("TargetNotStreaming");
    assertThat(refusal(shard("s-0", 0, 1000L, primary(0, 1000), down(1)), "s-1"))
        .contains("TargetNotStreaming");
  }

  @Test
  void refusesATargetBeyondMaxLagOnFailover() {
    long far = DEFAULTS.maxLagBytes() + 1;
    ObservedShard s = shard("s-0", 0, far + 10, primary(0, far + 10), standby(1, 10L, 10L, true));
    Optional<FailoverDecision.Refuse> r = SwitchoverPolicy.check(DEFAULTS, s, "s-1");
    assertThat(r).get().extracting(FailoverDecision::reason).isEqualTo("TargetTooFarBehind");
    assertThat(r.get().message()).contains(Long.toString(far));
  }

  @Test
  void refusesWhileAFailoverIsRecorded() {
    ObservedShard s =
        new ObservedShard(
            "s-0",
            true,
            0,
            1000L,
            SYSID,
            "s-2",
            true,
            List.of(primary(0, 1000), standby(1, 1000L, 1000L, true)),
            null,
            false);
    assertThat(refusal(s, "s-1")).contains("FailoverInProgress");
  }
}
