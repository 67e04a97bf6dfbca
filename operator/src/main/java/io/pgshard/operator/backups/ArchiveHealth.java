package io.pgshard.operator.backups;

import io.pgshard.operator.sql.ArchiveStatements.ArchiveState;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether a shard's WAL archiving keeps up, for the WalArchiving condition: failing while
 * backup.sh's last attempt failed (its error in the message), behind when a complete segment has
 * waited longer than {@link #BEHIND} without an error (an archiver that hangs), otherwise keeping
 * up. The numbers themselves go to status.backup.archive and the metrics, not the message, so the
 * condition changes only when the verdict does.
 */
public final class ArchiveHealth {

  /** A segment waiting this long with no error is a stuck archiver (archive_timeout is 5 min). */
  public static final Duration BEHIND = Duration.ofMinutes(10);

  /** The verdict: condition status, reason and message. */
  public record Verdict(boolean ok, String reason, String message) {}

  private ArchiveHealth() {}

  public static Verdict of(ArchiveState state) {
    String waiting =
        String.format(
            Locale.ROOT,
            "%d segment%s (%.1f MB) not archived, the oldest for %d s",
            state.pendingSegments(),
            state.pendingSegments() == 1 ? "" : "s",
            state.lagBytes() / 1048576.0,
            state.lagSeconds());
    if (state.lastError().isPresent()) {
      return new Verdict(
          false,
          "ArchiveFailing",
          "WAL archiving fails: " + state.lastError().get() + "; " + waiting);
    }
    if (state.lagSeconds() > BEHIND.toSeconds()) {
      return new Verdict(false, "ArchiveBehind", "WAL archiving is behind: " + waiting);
    }
    return new Verdict(true, "Archiving", "WAL archiving keeps up");
  }
}
