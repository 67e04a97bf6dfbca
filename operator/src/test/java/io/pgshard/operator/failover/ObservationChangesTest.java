package io.pgshard.operator.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationChangesTest {

  static InstanceObservation primary(long lsn, long timeline) {
    return new InstanceObservation(
        "p-0", 0, true, false, timeline, null, null, lsn, false, null, "7", false, null);
  }

  static InstanceObservation standby(long lsn, boolean streaming) {
    return new InstanceObservation(
        "p-1",
        1,
        true,
        true,
        1L,
        lsn,
        lsn,
        null,
        streaming,
        streaming ? "127.0.1.1" : null,
        "7",
        false,
        null);
  }

  static ObservedShard shard(int failures, InstanceObservation... instances) {
    return new ObservedShard(
        "p-0", true, failures, 100L, "7", null, true, List.of(instances), null, false);
  }

  @Test
  void walPositionsAloneAreNoise() {
    ObservedShard before = shard(0, primary(100, 1), standby(90, true));
    ObservedShard after = shard(0, primary(500, 1), standby(480, true));
    assertThat(ObservationChanges.meaningful(before, after)).isFalse();
    assertThat(ObservationChanges.positionsMoved(before, after)).isTrue();
    assertThat(ObservationChanges.positionsMoved(before, before)).isFalse();
  }

  @Test
  void reachabilityRoleTimelineStreamingAndFailedProbesMatter() {
    ObservedShard base = shard(0, primary(100, 1), standby(90, true));
    assertThat(ObservationChanges.meaningful(null, base)).isTrue();
    assertThat(
            ObservationChanges.meaningful(
                base, shard(0, InstanceObservation.unreachable("p-0", 0), standby(90, true))))
        .isTrue();
    assertThat(ObservationChanges.meaningful(base, shard(0, primary(100, 2), standby(90, true))))
        .isTrue();
    assertThat(ObservationChanges.meaningful(base, shard(0, primary(100, 1), standby(90, false))))
        .isTrue();
    assertThat(ObservationChanges.meaningful(base, shard(1, primary(100, 1), standby(90, true))))
        .isTrue();
    // the same instances in another order are the same shard
    assertThat(ObservationChanges.meaningful(base, shard(0, standby(90, true), primary(100, 1))))
        .isFalse();
  }
}
