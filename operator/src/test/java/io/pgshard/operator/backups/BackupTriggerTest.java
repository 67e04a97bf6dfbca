package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.backups.BackupTrigger.Due;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupTriggerTest {

  static final String NIGHTLY = "0 2 * * *";
  static final Instant CREATED = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void theFirstBackupIsDueAtOnce() {
    Instant created = Instant.parse("2026-12-02T15:04:05.250Z");
    Due due =
        BackupTrigger.due(null, created, NIGHTLY, Instant.parse("2026-12-02T15:09:00Z"))
            .orElseThrow();
    assertThat(due.name()).isEqualTo("first-20261202T150405");
    assertThat(due.slot()).isEqualTo(Instant.parse("2026-12-02T15:04:05Z"));
  }

  @Test
  void thenEachTimeTheSchedulePasses() {
    Instant last = Instant.parse("2026-12-02T02:00:00Z");
    assertThat(BackupTrigger.due(last, CREATED, NIGHTLY, Instant.parse("2026-12-03T01:59:59Z")))
        .isEmpty();
    Due due =
        BackupTrigger.due(last, CREATED, NIGHTLY, Instant.parse("2026-12-03T02:00:30Z"))
            .orElseThrow();
    assertThat(due.slot()).isEqualTo(Instant.parse("2026-12-03T02:00:00Z"));
    assertThat(due.name()).isEqualTo("scheduled-20261203T020000");
    assertThat(BackupTrigger.next(last, NIGHTLY)).isEqualTo(Instant.parse("2026-12-03T02:00:00Z"));
  }

  @Test
  void slotsMissedWhileAwayAreTakenOnceLate() {
    Instant last = Instant.parse("2026-12-02T02:00:00Z");
    Due due =
        BackupTrigger.due(last, CREATED, NIGHTLY, Instant.parse("2026-12-05T09:00:00Z"))
            .orElseThrow();
    assertThat(due.slot()).isEqualTo(Instant.parse("2026-12-05T02:00:00Z"));
    assertThat(
            BackupTrigger.due(due.slot(), CREATED, NIGHTLY, Instant.parse("2026-12-05T09:00:00Z")))
        .isEmpty();
  }

  @Test
  void theSameSlotAlwaysGivesTheSameName() {
    Instant last = Instant.parse("2026-12-02T02:00:00Z");
    Instant a = Instant.parse("2026-12-03T02:00:01Z");
    Instant b = Instant.parse("2026-12-03T02:07:00Z");
    assertThat(BackupTrigger.due(last, CREATED, NIGHTLY, a).orElseThrow().name())
        .isEqualTo(BackupTrigger.due(last, CREATED, NIGHTLY, b).orElseThrow().name());
  }

  @Test
  void latestSlotIsTheLastOneNotAfterNow() {
    String hourly = "0 * * * *";
    Instant last = Instant.parse("2026-12-02T10:00:00Z");
    assertThat(BackupTrigger.latestSlot(last, hourly, Instant.parse("2026-12-02T10:59:59Z")))
        .isEmpty();
    assertThat(BackupTrigger.latestSlot(last, hourly, Instant.parse("2026-12-02T13:20:00Z")))
        .contains(Instant.parse("2026-12-02T13:00:00Z"));
  }
}
