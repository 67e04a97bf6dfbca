package io.pgshard.operator.backups;

import io.pgshard.operator.partitions.CronSchedule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * When a shard's next base backup is due, and its name. The first one is due as soon as the shard
 * can be backed up (archived WAL is of no use without a base backup before it); after that, each
 * time the schedule (cron, UTC) passes. A slot missed while the operator was away is taken once,
 * late, not once per missed slot. The name comes from the slot, so a backup started twice for one
 * slot (an operator restart between starting it and recording it) is one backup: backup.sh does
 * nothing for a name it has seen.
 */
public final class BackupTrigger {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  /** A due backup: the slot it is for and its name. */
  public record Due(Instant slot, String name, String reason) {}

  private BackupTrigger() {}

  /**
   * @param lastSlot the slot of the last backup started (null before the first)
   * @param firstSlot the slot of the first backup: when backups were asked for (a fixed time, such
   *     as the shard's creation, so that its name too is the same however often it is worked out)
   * @param schedule cron, UTC
   * @param now the operator's clock
   */
  public static Optional<Due> due(
      Instant lastSlot, Instant firstSlot, String schedule, Instant now) {
    if (lastSlot == null) {
      Instant slot = firstSlot.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      return Optional.of(new Due(slot, name("first", slot), "first backup"));
    }
    return latestSlot(lastSlot, schedule, now)
        .map(slot -> new Due(slot, name("scheduled", slot), "schedule " + schedule));
  }

  /**
   * The latest slot of {@code schedule} after {@code lastSlot} and not after {@code now}, if there
   * is one: slots missed while the operator was away are taken once.
   */
  public static Optional<Instant> latestSlot(Instant lastSlot, String schedule, Instant now) {
    CronSchedule cron = CronSchedule.parse(schedule);
    Instant next = cron.next(lastSlot);
    if (next.isAfter(now)) {
      return Optional.empty();
    }
    Instant slot = next;
    for (Instant after = cron.next(slot); !after.isAfter(now); after = cron.next(after)) {
      slot = after;
    }
    return Optional.of(slot);
  }

  /** When the next backup is due if none is now. */
  public static Instant next(Instant lastSlot, String schedule) {
    return CronSchedule.parse(schedule).next(lastSlot);
  }

  /** {@code <kind>-<yyyyMMddTHHmmss>}: a name Barman Cloud accepts (not one of its backup ids). */
  public static String name(String kind, Instant at) {
    return kind + "-" + STAMP.format(at);
  }
}
