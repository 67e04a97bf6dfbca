package io.pgshard.operator.backups;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which base backups retention lets go: a backup is kept while it is among the newest {@code count}
 * completed ones <em>or</em> younger than {@code maxAge}; it goes only when both let it go. So
 * neither limit ever leaves fewer backups than the other promises, and a cluster whose backups keep
 * failing keeps its old ones (only completed backups count toward {@code count}).
 */
public final class BackupRetention {

  private static final Pattern AGE = Pattern.compile("^([1-9][0-9]{0,4})([hdw])$");

  /** A base backup as the bucket lists it ({@code ended} null while it runs). */
  public record StoredBackup(String id, Instant started, boolean completed, Instant ended) {

    public StoredBackup(String id, Instant started, boolean completed) {
      this(id, started, completed, null);
    }
  }

  private final int count;
  private final Duration maxAge;

  /**
   * @param maxAge {@code 30d}, {@code 4w}, {@code 36h}, or null for count alone
   */
  public BackupRetention(int count, String maxAge) {
    if (count < 1) {
      throw new IllegalArgumentException("retention.count must be at least 1, is " + count);
    }
    this.count = count;
    this.maxAge = maxAge == null ? null : age(maxAge);
  }

  /** {@code 30d}, {@code 4w}, {@code 36h} as a duration. */
  public static Duration age(String text) {
    Matcher m = AGE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an age like 30d, 4w or 36h (hours, days, weeks)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  /**
   * The backups to delete at {@code now}, oldest first. A backup that did not complete goes once a
   * newer completed one exists and it is past {@code maxAge} (or, without one, older than every
   * kept backup); one that may still run (the newest of all) never goes.
   */
  public List<StoredBackup> expired(List<StoredBackup> backups, Instant now) {
    List<StoredBackup> newestFirst =
        backups.stream().sorted(Comparator.comparing(StoredBackup::started).reversed()).toList();
    Set<String> kept = new HashSet<>();
    int completed = 0;
    for (StoredBackup b : newestFirst) {
      if (b.completed() && completed < count) {
        kept.add(b.id());
      }
      if (b.completed()) {
        completed++;
      }
      if (maxAge != null && b.started().isAfter(now.minus(maxAge))) {
        kept.add(b.id());
      }
    }
    if (!newestFirst.isEmpty()) {
      kept.add(newestFirst.get(0).id());
    }
    Instant oldestKeptCompleted =
        newestFirst.stream()
            .filter(b -> b.completed() && kept.contains(b.id()))
            .map(StoredBackup::started)
            .min(Comparator.naturalOrder())
            .orElse(null);
    return newestFirst.stream()
        .filter(b -> !kept.contains(b.id()))
        // an unfinished backup newer than every kept completed one is left alone
        .filter(
            b ->
                b.completed()
                    || (oldestKeptCompleted != null && b.started().isBefore(oldestKeptCompleted)))
        .sorted(Comparator.comparing(StoredBackup::started))
        .toList();
  }
}
