package io.pgshard.operator.backups;

import io.pgshard.operator.partitions.CronSchedule;
import java.time.Duration;
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
 *
 * <p>Between slots, two more reasons: an on-demand request (a value of the ShardedCluster's {@code
 * pgshard.io/backup} annotation the shard has not served yet), and a retry after a failed backup, 5
 * minutes after it and doubling with each failure in a row up to an hour, so that a passing problem
 * (an object store that was down) does not leave the shard a whole schedule period behind.
 */
public final class BackupTrigger {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  static final Duration FIRST_RETRY = Duration.ofMinutes(5);
  static final Duration LONGEST_RETRY = Duration.ofHours(1);

  /** Why a backup is due. */
  public enum Kind {
    FIRST,
    SCHEDULED,
    REQUESTED,
    RETRY;

    /** Whether it takes a schedule slot (recorded as the last one started). */
    public boolean slotted() {
      return this == FIRST || this == SCHEDULED;
    }
  }

  /** A due backup: the slot (or moment) it is for, its name, why. */
  public record Due(Instant slot, String name, String reason, Kind kind) {}

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
      return Optional.of(new Due(slot, name("first", slot), "first backup", Kind.FIRST));
    }
    return latestSlot(lastSlot, schedule, now)
        .map(
            slot -> new Due(slot, name("scheduled", slot), "schedule " + schedule, Kind.SCHEDULED));
  }

  /**
   * A backup due now between slots: an on-demand request not served yet, else a retry after
   * failures.
   *
   * @param request the shard's spec.backupRequest (null when none)
   * @param lastRequest the request last served (status.backup.lastRequest)
   * @param failuresInARow backups failed since the last one completed (null or 0: none)
   * @param lastFailedAt when the last of them ended
   */
  public static Optional<Due> between(
      String request,
      String lastRequest,
      Integer failuresInARow,
      Instant lastFailedAt,
      Instant now) {
    Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    if (request != null && !request.equals(lastRequest)) {
      return Optional.of(
          new Due(at, name("requested", at), "requested (" + request + ")", Kind.REQUESTED));
    }
    Optional<Instant> retry = retryAt(failuresInARow, lastFailedAt);
    if (retry.isPresent() && !retry.get().isAfter(now)) {
      return Optional.of(
          new Due(
              at,
              name("retry", at),
              "retry after " + failuresInARow + " failed in a row",
              Kind.RETRY));
    }
    return Optional.empty();
  }

  /** When a failed backup is tried again: 5 min after it, doubling per failure, at most 1 h. */
  public static Optional<Instant> retryAt(Integer failuresInARow, Instant lastFailedAt) {
    if (failuresInARow == null || failuresInARow <= 0 || lastFailedAt == null) {
      return Optional.empty();
    }
    Duration delay = FIRST_RETRY;
    for (int i = 1; i < failuresInARow && delay.compareTo(LONGEST_RETRY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return Optional.of(
        lastFailedAt.plus(delay.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay));
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
