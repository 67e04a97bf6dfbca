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

  @Test
  void aRequestNotServedYetIsDueNowAndOnlyOnce() {
    Instant now = Instant.parse("2026-12-03T11:22:33.900Z");
    Due due = BackupTrigger.between("before-upgrade", null, null, null, now).orElseThrow();
    assertThat(due.kind()).isEqualTo(BackupTrigger.Kind.REQUESTED);
    assertThat(due.kind().slotted()).isFalse();
    assertThat(due.name()).isEqualTo("requested-20261203T112233");
    assertThat(due.reason()).contains("before-upgrade");
    assertThat(BackupTrigger.between("before-upgrade", "before-upgrade", null, null, now))
        .isEmpty();
    assertThat(BackupTrigger.between(null, "before-upgrade", null, null, now)).isEmpty();
  }

  @Test
  void aFailedBackupIsRetriedAfterFiveMinutesDoublingUpToAnHour() {
    Instant failed = Instant.parse("2026-12-03T10:00:00Z");
    assertThat(BackupTrigger.retryAt(null, failed)).isEmpty();
    assertThat(BackupTrigger.retryAt(0, failed)).isEmpty();
    assertThat(BackupTrigger.retryAt(1, failed)).contains(failed.plusSeconds(300));
    assertThat(BackupTrigger.retryAt(2, failed)).contains(failed.plusSeconds(600));
    assertThat(BackupTrigger.retryAt(4, failed)).contains(failed.plusSeconds(2400));
    assertThat(BackupTrigger.retryAt(5, failed)).contains(failed.plusSeconds(3600));
    assertThat(BackupTrigger.retryAt(40, failed)).contains(failed.plusSeconds(3600));

    assertThat(BackupTrigger.between(null, null, 1, failed, failed.plusSeconds(299))).isEmpty();
    Due retry = BackupTrigger.between(null, null, 1, failed, failed.plusSeconds(300)).orElseThrow();
    assertThat(retry.kind()).isEqualTo(BackupTrigger.Kind.RETRY);
    assertThat(retry.name()).isEqualTo("retry-20261203T100500");
    // a request goes first
    assertThat(
            BackupTrigger.between("now", null, 1, failed, failed.plusSeconds(300))
                .orElseThrow()
                .kind())
        .isEqualTo(BackupTrigger.Kind.REQUESTED);
  }
}
