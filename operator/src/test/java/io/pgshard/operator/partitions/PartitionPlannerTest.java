package io.pgshard.operator.partitions;

import static io.pgshard.operator.api.v1alpha1.PartitionInterval.DAILY;
import static io.pgshard.operator.api.v1alpha1.PartitionInterval.MONTHLY;
import static io.pgshard.operator.api.v1alpha1.PartitionInterval.WEEKLY;
import static io.pgshard.operator.api.v1alpha1.PartitionInterval.YEARLY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionPlannerTest {

  static List<String> names(PartitionPlan plan) {
    return plan.create().stream().map(PartitionPlan.Range::name).toList();
  }

  static LocalDateTime at(String text) {
    return LocalDateTime.parse(text);
  }

  /** The partitions the plan creates, as if they existed now. */
  static List<PartitionBound> created(PartitionPlan plan) {
    return plan.create().stream()
        .map(r -> PartitionBound.range(r.name(), r.from(), r.to()))
        .toList();
  }

  @Test
  void monthlyCreatesTheCurrentMonthAndPremakeAheadAcrossTheYearEnd() {
    PartitionPlan plan =
        PartitionPlanner.plan(
            "public.events", MONTHLY, 3, 0, Instant.parse("2026-11-21T10:15:00Z"), List.of());
    assertThat(names(plan))
        .containsExactly("events_p202611", "events_p202612", "events_p202701", "events_p202702");
    assertThat(plan.create().get(1).from()).isEqualTo(at("2026-12-01T00:00"));
    assertThat(plan.create().get(1).to()).isEqualTo(at("2027-01-01T00:00"));
    assertThat(plan.retire()).isEmpty();
  }

  @Test
  void aSecondRunChangesNothing() {
    Instant now = Instant.parse("2026-11-21T10:15:00Z");
    PartitionPlan first = PartitionPlanner.plan("events", MONTHLY, 3, 2, now, List.of());
    PartitionPlan second = PartitionPlanner.plan("events", MONTHLY, 3, 2, now, created(first));
    assertThat(second.isEmpty()).isTrue();
    assertThat(second.overlaps()).isEmpty();
  }

  @Test
  void theClockAtTheExactBoundaryBelongsToTheNewInterval() {
    PartitionPlan plan =
        PartitionPlanner.plan(
            "events", MONTHLY, 0, 0, Instant.parse("2026-12-01T00:00:00Z"), List.of());
    assertThat(names(plan)).containsExactly("events_p202612");
    PartitionPlan before =
        PartitionPlanner.plan(
            "events", MONTHLY, 0, 0, Instant.parse("2026-11-30T23:59:59.999Z"), List.of());
    assertThat(names(before)).containsExactly("events_p202611");
  }

  @Test
  void dailyPartitionsKnowLeapDays() {
    PartitionPlan plan =
        PartitionPlanner.plan("t", DAILY, 2, 0, Instant.parse("2028-02-28T12:00:00Z"), List.of());
    assertThat(names(plan)).containsExactly("t_p20280228", "t_p20280229", "t_p20280301");
    PartitionPlan common =
        PartitionPlanner.plan("t", DAILY, 1, 0, Instant.parse("2027-02-28T12:00:00Z"), List.of());
    assertThat(names(common)).containsExactly("t_p20270228", "t_p20270301");
  }

  @Test
  void weeklyPartitionsStartOnMonday() {
    // 2026-11-21 is a Saturday; 2027-01-01 is a Friday
    PartitionPlan plan =
        PartitionPlanner.plan("t", WEEKLY, 1, 0, Instant.parse("2026-11-21T00:00:00Z"), List.of());
    assertThat(names(plan)).containsExactly("t_p20261116", "t_p20261123");
    assertThat(plan.create().get(0).to()).isEqualTo(at("2026-11-23T00:00"));
    PartitionPlan newYear =
        PartitionPlanner.plan("t", WEEKLY, 0, 0, Instant.parse("2027-01-01T08:00:00Z"), List.of());
    assertThat(names(newYear)).containsExactly("t_p20261228");
    PartitionPlan monday =
        PartitionPlanner.plan("t", WEEKLY, 0, 0, Instant.parse("2026-11-23T00:00:00Z"), List.of());
    assertThat(names(monday)).containsExactly("t_p20261123");
  }

  @Test
  void yearlyPartitions() {
    PartitionPlan plan =
        PartitionPlanner.plan("t", YEARLY, 1, 0, Instant.parse("2026-12-31T23:00:00Z"), List.of());
    assertThat(names(plan)).containsExactly("t_p2026", "t_p2027");
    assertThat(plan.create().get(1).from()).isEqualTo(at("2027-01-01T00:00"));
  }

  @Test
  void premakeZeroAndLarge() {
    Instant now = Instant.parse("2026-11-21T00:00:00Z");
    assertThat(names(PartitionPlanner.plan("t", MONTHLY, 0, 0, now, List.of())))
        .containsExactly("t_p202611");
    PartitionPlan large = PartitionPlanner.plan("t", MONTHLY, 120, 0, now, List.of());
    assertThat(large.create()).hasSize(121);
    assertThat(large.create().get(120).name()).isEqualTo("t_p203611");
  }

  @Test
  void retiresOwnPartitionsWhollyOlderThanRetention() {
    List<PartitionBound> existing = new ArrayList<>();
    for (int month = 1; month <= 11; month++) {
      LocalDateTime from = LocalDateTime.of(2026, month, 1, 0, 0);
      existing.add(
          PartitionBound.range(
              PartitionPlanner.name("events", MONTHLY, from), from, from.plusMonths(1)));
    }
    PartitionPlan plan =
        PartitionPlanner.plan(
            "events", MONTHLY, 0, 3, Instant.parse("2026-11-21T00:00:00Z"), existing);
    // keep November and the three months before it (August to October)
    assertThat(plan.retire())
        .extracting(PartitionBound::name)
        .containsExactly(
            "events_p202601",
            "events_p202602",
            "events_p202603",
            "events_p202604",
            "events_p202605",
            "events_p202606",
            "events_p202607");
    assertThat(plan.create()).isEmpty();
  }

  @Test
  void retentionZeroKeepsEverythingAndLargeRetentionRetiresNothingRecent() {
    List<PartitionBound> old =
        List.of(
            PartitionBound.range("events_p200001", at("2000-01-01T00:00"), at("2000-02-01T00:00")));
    Instant now = Instant.parse("2026-11-21T00:00:00Z");
    assertThat(PartitionPlanner.plan("events", MONTHLY, 0, 0, now, old).retire()).isEmpty();
    assertThat(PartitionPlanner.plan("events", MONTHLY, 0, 1200, now, old).retire()).isEmpty();
    assertThat(PartitionPlanner.plan("events", MONTHLY, 0, 12, now, old).retire()).hasSize(1);
  }

  @Test
  void respectsPartitionsWithOtherNames() {
    List<PartitionBound> existing =
        List.of(
            PartitionBound.range("events_november", at("2026-11-01T00:00"), at("2026-12-01T00:00")),
            PartitionBound.range("events_ancient", at("2001-01-01T00:00"), at("2001-02-01T00:00")),
            PartitionBound.defaultPartition("events_default"));
    PartitionPlan plan =
        PartitionPlanner.plan(
            "events", MONTHLY, 1, 2, Instant.parse("2026-11-21T00:00:00Z"), existing);
    assertThat(names(plan)).containsExactly("events_p202612");
    assertThat(plan.retire()).as("someone else's partitions are never retired").isEmpty();
    assertThat(plan.overlaps()).isEmpty();
  }

  @Test
  void reportsOverlapsAndDoesNotForceThem() {
    List<PartitionBound> existing =
        List.of(
            PartitionBound.range("events_q4", at("2026-10-01T00:00"), at("2027-01-01T00:00")),
            PartitionBound.range("events_rest", at("2027-02-15T00:00"), null));
    PartitionPlan plan =
        PartitionPlanner.plan(
            "events", MONTHLY, 3, 0, Instant.parse("2026-11-21T00:00:00Z"), existing);
    assertThat(names(plan)).containsExactly("events_p202701");
    assertThat(plan.overlaps()).hasSize(3);
    assertThat(plan.overlaps().get(0)).contains("events_p202611").contains("events_q4");
    assertThat(plan.overlaps().get(2)).contains("events_p202702").contains("events_rest");
  }

  @Test
  void parsesCatalogBoundsOfEveryColumnType() {
    assertThat(
            PartitionBound.parse(
                "a", "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')"))
        .get()
        .satisfies(
            b -> {
              assertThat(b.from()).isEqualTo(at("2026-11-01T00:00"));
              assertThat(b.to()).isEqualTo(at("2026-12-01T00:00"));
            });
    assertThat(
            PartitionBound.parse(
                "b", "FOR VALUES FROM ('2026-11-01 00:00:00') TO ('2026-12-01 00:00:00')"))
        .get()
        .extracting(PartitionBound::to)
        .isEqualTo(at("2026-12-01T00:00"));
    assertThat(PartitionBound.parse("c", "FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')"))
        .get()
        .extracting(PartitionBound::from)
        .isEqualTo(at("2026-11-01T00:00"));
    assertThat(PartitionBound.parse("d", "FOR VALUES FROM (MINVALUE) TO ('2026-01-01')"))
        .get()
        .extracting(PartitionBound::from)
        .isNull();
    assertThat(PartitionBound.parse("e", "DEFAULT"))
        .get()
        .extracting(PartitionBound::isDefault)
        .isEqualTo(true);
    assertThat(PartitionBound.parse("f", "FOR VALUES FROM (1) TO (10)")).isEmpty();
    assertThat(PartitionBound.parse("g", "FOR VALUES FROM ('a', 1) TO ('b', 2)")).isEmpty();
    assertThat(PartitionBound.parse("h", "FOR VALUES IN (1, 2)")).isEmpty();
    assertThat(
            PartitionBound.parse(
                "i", "FOR VALUES FROM ('2026-11-01 00:00:00+01') TO ('2026-12-01 00:00:00+01')"))
        .as("bounds must be read in UTC")
        .isEmpty();
  }

  @Test
  void namesMustFitPostgresIdentifiers() {
    assertThat(PartitionPlanner.nameFits("public.events")).isTrue();
    assertThat(PartitionPlanner.nameFits("a".repeat(53))).isTrue();
    assertThat(PartitionPlanner.nameFits("a".repeat(54))).isFalse();
  }
}
