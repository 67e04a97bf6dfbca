package io.pgshard.operator.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceTriggerTest {

  static final Instant RAN = Instant.parse("2026-11-21T10:00:00Z");
  static final List<String> DAILY_AT_3 = List.of("0 3 * * *");
  static final MaintenanceTrigger OK = new MaintenanceTrigger("spec-a", "s-0", RAN, false);

  @Test
  void runsFirstOnSpecChangeAndOnANewPrimary() {
    assertThat(MaintenanceTrigger.due(null, "spec-a", "s-0", DAILY_AT_3, RAN))
        .contains("first run");
    assertThat(MaintenanceTrigger.due(OK, "spec-b", "s-0", DAILY_AT_3, RAN.plusSeconds(1)))
        .contains("partitions spec changed");
    assertThat(MaintenanceTrigger.due(OK, "spec-a", "s-1", DAILY_AT_3, RAN.plusSeconds(1)))
        .contains("new primary s-1");
    assertThat(MaintenanceTrigger.due(OK, "spec-a", "s-0", DAILY_AT_3, RAN.plusSeconds(60)))
        .isEmpty();
  }

  @Test
  void theEarliestScheduleOfAnyTableDecides() {
    List<String> two = List.of("0 3 * * *", "30 12 * * *");
    assertThat(MaintenanceTrigger.next(OK, two)).isEqualTo("2026-11-21T12:30:00Z");
    assertThat(
            MaintenanceTrigger.due(OK, "spec-a", "s-0", two, Instant.parse("2026-11-21T12:29:59Z")))
        .isEmpty();
    assertThat(
            MaintenanceTrigger.due(OK, "spec-a", "s-0", two, Instant.parse("2026-11-21T12:30:00Z")))
        .contains("schedule");
  }

  @Test
  void aFailedRunIsRetriedAfterFiveMinutes() {
    MaintenanceTrigger failed = new MaintenanceTrigger("spec-a", "s-0", RAN, true);
    assertThat(MaintenanceTrigger.next(failed, DAILY_AT_3)).isEqualTo(RAN.plusSeconds(300));
    assertThat(MaintenanceTrigger.due(failed, "spec-a", "s-0", DAILY_AT_3, RAN.plusSeconds(299)))
        .isEmpty();
    assertThat(MaintenanceTrigger.due(failed, "spec-a", "s-0", DAILY_AT_3, RAN.plusSeconds(300)))
        .contains("retry after a failed run");
  }
}
