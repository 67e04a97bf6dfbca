package io.pgshard.operator.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * How far WAL archiving is behind on an instance, from PostgreSQL itself: the segments waiting in
 * {@code pg_wal/archive_status} ({@code .ready}: complete, not archived yet), {@code
 * pg_stat_archiver}, and backup.sh's last archiving error ({@link
 * BackupStatements#lastArchiveError}).
 */
public final class ArchiveStatements {

  private ArchiveStatements() {}

  /**
   * One look at an instance's archiving.
   *
   * @param pendingSegments complete segments not archived yet
   * @param lagBytes WAL written and not in the archive: the pending segments and the current one so
   *     far (which is archived when it is complete, at the latest after archive_timeout)
   * @param oldestPendingSince when the oldest pending segment was completed (null: none pending)
   * @param lastArchivedWal the last file archived (pg_stat_archiver), null before the first
   * @param lastArchivedAt when
   * @param failedCount archiving attempts that failed since the statistics were reset
   * @param lastError backup.sh's last failure while no segment has been archived since
   * @param now the instance's clock when it answered
   */
  public record ArchiveState(
      long pendingSegments,
      long lagBytes,
      Instant oldestPendingSince,
      String lastArchivedWal,
      Instant lastArchivedAt,
      long failedCount,
      Optional<String> lastError,
      Instant now) {

    /** Seconds the oldest pending segment has waited (0 when none waits). */
    public long lagSeconds() {
      return oldestPendingSince == null
          ? 0
          : Math.max(0, java.time.Duration.between(oldestPendingSince, now).toSeconds());
    }
  }

  private static final String QUERY =
      "WITH seg AS (SELECT setting::bigint AS size FROM pg_settings WHERE name = 'wal_segment_size'),"
          + " pos AS (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()"
          + " ELSE pg_current_wal_lsn() END AS lsn),"
          + " ready AS (SELECT count(*) AS n,"
          + " min((pg_stat_file('pg_wal/archive_status/' || f)).modification) AS oldest"
          + " FROM pg_ls_dir('pg_wal/archive_status') f WHERE f LIKE '%.ready')"
          + " SELECT ready.n, ready.oldest,"
          + " ready.n * seg.size + coalesce((pos.lsn - '0/0'::pg_lsn)::numeric % seg.size, 0)::bigint,"
          + " a.last_archived_wal, a.last_archived_time, a.failed_count, now()"
          + " FROM seg, pos, ready, pg_stat_archiver a";

  /** Reads the archiving state of the instance {@code db} is connected to (as a superuser). */
  public static ArchiveState read(Connection db) throws SQLException {
    long pending;
    Instant oldest;
    long lagBytes;
    String lastWal;
    Instant lastAt;
    long failed;
    Instant now;
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      rs.next();
      pending = rs.getLong(1);
      oldest = instant(rs.getTimestamp(2));
      lagBytes = rs.getLong(3);
      lastWal = rs.getString(4);
      lastAt = instant(rs.getTimestamp(5));
      failed = rs.getLong(6);
      now = instant(rs.getTimestamp(7));
    }
    return new ArchiveState(
        pending,
        lagBytes,
        oldest,
        lastWal,
        lastAt,
        failed,
        BackupStatements.lastArchiveError(db),
        now);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
