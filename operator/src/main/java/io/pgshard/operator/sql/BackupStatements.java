package io.pgshard.operator.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgshard.operator.backups.BackupRetention.StoredBackup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Base backups, started and followed over the instance's own SQL connection: PostgreSQL runs {@code
 * backup.sh base-backup <name>} in the instance's container ({@code COPY ... TO PROGRAM}, a
 * superuser's right, allowed on a standby), which detaches the backup and returns; the outcome is
 * read back from the status file it writes ({@code pg_read_file}). Nothing else (no exec into the
 * pod, no agent, no extra RBAC) is needed to reach the instance's data directory.
 */
public final class BackupStatements {

  /** What backup.sh accepts as a name; also what Barman Cloud accepts. */
  public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,100}$");

  private BackupStatements() {}

  /**
   * Starts base backup {@code name} on the instance {@code db} is connected to. Repeating it for
   * the backup that runs does nothing; another one running on the instance is refused (SQLException
   * with backup.sh's message).
   */
  public static void start(Connection db, String name) throws SQLException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid backup name: " + name);
    }
    try (Statement st = db.createStatement()) {
      // no row is written to the program: it never reads its input
      st.execute(
          "COPY (SELECT 1 WHERE false) TO PROGRAM "
              + "'sh \"$PGSHARD_CONFIG_DIR/backup.sh\" base-backup "
              + name
              + "'");
    }
  }

  /** The outcome of base backup {@code name} on this instance, if it was started here. */
  public static Optional<BaseBackupState> state(Connection db, String name) throws SQLException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid backup name: " + name);
    }
    return readRunFile(db, "backups/" + name + ".status").map(BaseBackupState::parse);
  }

  /**
   * The last archiving failure on this instance ({@code <time> <segment>: <what Barman printed
   * last>}), while no segment has been archived since; empty when archiving works.
   */
  public static Optional<String> lastArchiveError(Connection db) throws SQLException {
    return readRunFile(db, "backups/archive.last-error");
  }

  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  /**
   * The shard's base backups as the bucket lists them: {@code backup.sh list} run on this instance,
   * its JSON read back. A listing that failed throws with Barman Cloud's last line.
   */
  public static List<StoredBackup> list(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(
          "COPY (SELECT 1 WHERE false) TO PROGRAM 'sh \"$PGSHARD_CONFIG_DIR/backup.sh\" list'");
    }
    String json =
        readRunFile(db, "backups/list.json")
            .orElseThrow(() -> new SQLException("backup.sh list left no list"));
    return parseList(json);
  }

  /** Barman Cloud's JSON listing (or backup.sh's {@code {"error": ...}}). */
  static List<StoredBackup> parseList(String json) throws SQLException {
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      if (root.has("error")) {
        throw new SQLException("listing the backups failed: " + root.get("error").asText());
      }
      List<StoredBackup> backups = new ArrayList<>();
      for (JsonNode b : root.path("backups_list")) {
        String begin = b.path("begin_time").asText(null);
        String end = b.path("end_time").asText(null);
        backups.add(
            new StoredBackup(
                b.path("backup_id").asText(),
                begin == null ? Instant.EPOCH : Instant.from(CTIME.parse(begin)),
                "DONE".equals(b.path("status").asText()),
                end == null ? null : Instant.from(CTIME.parse(end))));
      }
      return backups;
    } catch (JsonProcessingException | DateTimeException e) {
      throw new SQLException("cannot read the backup list: " + e.getMessage(), e);
    }
  }

  /** Deletes base backup {@code id} (and the WAL only it needed) with Barman Cloud. */
  public static void delete(Connection db, String id) throws SQLException {
    if (!NAME.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid backup id: " + id);
    }
    try (Statement st = db.createStatement()) {
      st.execute(
          "COPY (SELECT 1 WHERE false) TO PROGRAM "
              + "'sh \"$PGSHARD_CONFIG_DIR/backup.sh\" delete "
              + id
              + "'");
    }
  }

  /** Where a restore point went: its LSN and the timeline it was written on. */
  public record WrittenPoint(String lsn, int timeline) {}

  /**
   * Writes restore point {@code name} on the primary {@code db} is connected to (a standby refuses:
   * recovery is in progress).
   */
  public static WrittenPoint createRestorePoint(Connection db, String name) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT lsn::text, ('x' || substr(pg_walfile_name(lsn), 1, 8))::bit(32)::int"
                + " FROM pg_create_restore_point(?) AS lsn")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return new WrittenPoint(rs.getString(1), rs.getInt(2));
      }
    }
  }

  /**
   * Whether a base backup on this instance waits for its last WAL segment to be archived (on a
   * standby: until its primary completes that segment).
   */
  public static boolean waitsForArchive(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'BackupWaitWalArchive'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /** Ends the current WAL segment, so that the archive has what was just written. */
  public static void switchWal(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("SELECT pg_switch_wal()");
    }
  }

  private static Optional<String> readRunFile(Connection db, String relative) throws SQLException {
    try (PreparedStatement st =
        db.prepareStatement(
            "SELECT pg_read_file(current_setting('pgshard.run_dir') || '/' || ?, 0, 65536, true)")) {
      st.setString(1, relative);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        String text = rs.getString(1);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.strip());
      }
    }
  }

  /** One line of backup.sh's status file. */
  public record BaseBackupState(Phase phase, Instant at, String message) {

    public enum Phase {
      RUNNING,
      DONE,
      FAILED
    }

    /** {@code running <time>}, {@code done <time>} or {@code failed <time> <message>}. */
    static BaseBackupState parse(String line) {
      String[] parts = line.strip().split(" ", 3);
      Phase phase =
          switch (parts[0]) {
            case "running" -> Phase.RUNNING;
            case "done" -> Phase.DONE;
            default -> Phase.FAILED;
          };
      Instant at = parts.length > 1 ? parseTime(parts[1]) : null;
      String message = parts.length > 2 ? parts[2] : "";
      return new BaseBackupState(phase, at, message);
    }

    private static Instant parseTime(String text) {
      try {
        return Instant.parse(text);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
