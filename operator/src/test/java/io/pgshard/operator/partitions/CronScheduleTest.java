package io.pgshard.operator.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  static Instant next(String cron, String after) {
    return CronSchedule.parse(cron).next(Instant.parse(after));
  }

  @Test
  void dailyAtThreeRunsTheSameDayBeforeThreeAndTheNextDayAfter() {
    assertThat(next("0 3 * * *", "2026-11-21T02:59:00Z")).isEqualTo("2026-11-21T03:00:00Z");
    assertThat(next("0 3 * * *", "2026-11-21T03:00:00Z")).isEqualTo("2026-11-22T03:00:00Z");
    assertThat(next("0 3 * * *", "2026-12-31T10:00:00Z")).isEqualTo("2027-01-01T03:00:00Z");
  }

  @Test
  void stepsRangesAndLists() {
    assertThat(next("*/15 * * * *", "2026-11-21T10:07:30Z")).isEqualTo("2026-11-21T10:15:00Z");
    assertThat(next("5 8-10/2 * * *", "2026-11-21T08:06:00Z")).isEqualTo("2026-11-21T10:05:00Z");
    assertThat(next("0 0 1,15 * *", "2026-11-02T00:00:00Z")).isEqualTo("2026-11-15T00:00:00Z");
  }

  @Test
  void dayOfWeekSundayIsZeroOrSevenAndEitherDayFieldFiresWhenBothAreSet() {
    // 2026-11-21 is a Saturday
    assertThat(next("0 0 * * 0", "2026-11-21T12:00:00Z")).isEqualTo("2026-11-22T00:00:00Z");
    assertThat(next("0 0 * * 7", "2026-11-21T12:00:00Z")).isEqualTo("2026-11-22T00:00:00Z");
    assertThat(next("0 0 30 * 1", "2026-11-21T12:00:00Z")).isEqualTo("2026-11-23T00:00:00Z");
  }

  @Test
  void aLeapDayScheduleWaitsForTheLeapYear() {
    assertThat(next("0 0 29 2 *", "2026-11-21T00:00:00Z")).isEqualTo("2028-02-29T00:00:00Z");
  }

  @Test
  void badExpressionsNameTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessageContaining("5 fields");
    assertThatThrownBy(() -> CronSchedule.parse("61 3 * * *")).hasMessageContaining("minute 61");
    assertThatThrownBy(() -> CronSchedule.parse("0 x * * *"))
        .hasMessageContaining("hour field has 'x'");
    assertThatThrownBy(() -> CronSchedule.parse("0 5-3 * * *")).hasMessageContaining("backwards");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 31 2 *").next(Instant.EPOCH))
        .hasMessageContaining("never fires");
  }
}
