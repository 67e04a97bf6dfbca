package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgshard.operator.backups.BackupRetention.StoredBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupRetentionTest {

  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  /** One completed backup a day, the newest today at 02:00, {@code days} of them. */
  static List<StoredBackup> daily(int days) {
    List<StoredBackup> list = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      Instant at = Instant.parse("2026-12-02T02:00:00Z").minus(Duration.ofDays(i));
      list.add(new StoredBackup("b" + i, at, true));
    }
    return list;
  }

  static List<String> ids(List<StoredBackup> backups) {
    return backups.stream().map(StoredBackup::id).toList();
  }

  @Test
  void countAloneKeepsTheNewestAndDeletesOldestFirst() {
    assertThat(ids(new BackupRetention(3, null).expired(daily(6), NOW)))
        .containsExactly("b5", "b4", "b3");
    assertThat(new BackupRetention(7, null).expired(daily(6), NOW)).isEmpty();
  }

  @Test
  void aBackupGoesOnlyWhenBothLimitsLetItGo() {
    // 10 days of backups, count 3, 7 days: everything younger than 7 days stays
    assertThat(ids(new BackupRetention(3, "7d").expired(daily(10), NOW)))
        .containsExactly("b9", "b8", "b7");
    // count 9 wins over 7 days
    assertThat(ids(new BackupRetention(9, "7d").expired(daily(10), NOW))).containsExactly("b9");
  }

  @Test
  void failedBackupsDoNotCountSoOldGoodOnesStay() {
    List<StoredBackup> backups = new ArrayList<>(daily(3));
    for (int i = 0; i < 5; i++) {
      backups.add(new StoredBackup("failed" + i, NOW.minus(Duration.ofHours(1 + i)), false));
    }
    List<String> expired = ids(new BackupRetention(3, null).expired(backups, NOW));
    assertThat(expired).doesNotContain("b0", "b1", "b2");
    // newer than every kept completed backup and possibly still running: left alone
    assertThat(expired).doesNotContain("failed0");
  }

  @Test
  void anUnfinishedBackupOlderThanTheKeptOnesGoes() {
    List<StoredBackup> backups = new ArrayList<>(daily(2));
    backups.add(new StoredBackup("stale", NOW.minus(Duration.ofDays(5)), false));
    assertThat(ids(new BackupRetention(2, null).expired(backups, NOW))).containsExactly("stale");
  }

  @Test
  void agesReadHoursDaysAndWeeks() {
    assertThat(BackupRetention.age("36h")).isEqualTo(Duration.ofHours(36));
    assertThat(BackupRetention.age("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(BackupRetention.age("4w")).isEqualTo(Duration.ofDays(28));
    assertThatThrownBy(() -> BackupRetention.age("30 days"))
        .hasMessageContaining("not an age like 30d");
    assertThatThrownBy(() -> new BackupRetention(0, null)).hasMessageContaining("at least 1");
  }
}
