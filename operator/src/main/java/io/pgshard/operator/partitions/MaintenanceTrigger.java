package io.pgshard.operator.partitions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When partition maintenance of a shard runs: first when the operator meets the shard, again when
 * the partitions spec changes, when the shard has a new primary, when any table's schedule (cron,
 * UTC) comes due since the last run, and five minutes after a run that failed. A run maintains
 * every table of the shard: a run is cheap and idempotent.
 *
 * @param specKey what the partitions spec was (any text that changes when it does)
 * @param primary the primary the run connected to
 * @param ranAt when it started
 * @param failed whether any table failed
 */
public record MaintenanceTrigger(String specKey, String primary, Instant ranAt, boolean failed) {

  public static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

  /** Why a run is due now, or empty when none is. */
  public static Optional<String> due(
      MaintenanceTrigger last,
      String specKey,
      String primary,
      List<String> schedules,
      Instant now) {
    if (last == null) {
      return Optional.of("first run");
    }
    if (!last.specKey().equals(specKey)) {
      return Optional.of("partitions spec changed");
    }
    if (!last.primary().equals(primary)) {
      return Optional.of("new primary " + primary);
    }
    if (!next(last, schedules).isAfter(now)) {
      return Optional.of(last.failed() ? "retry after a failed run" : "schedule");
    }
    return Optional.empty();
  }

  /** When the next run is due if nothing changes. */
  public static Instant next(MaintenanceTrigger last, List<String> schedules) {
    Instant next = Instant.MAX;
    for (String schedule : schedules) {
      Instant at = CronSchedule.parse(schedule).next(last.ranAt());
      if (at.isBefore(next)) {
        next = at;
      }
    }
    if (last.failed()) {
      Instant retry = last.ranAt().plus(RETRY_AFTER_FAILURE);
      if (retry.isBefore(next)) {
        next = retry;
      }
    }
    return next;
  }
}
