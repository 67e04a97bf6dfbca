package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.sql.ArchiveStatements.ArchiveState;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchiveHealthTest {

  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  static ArchiveState state(long pending, Instant oldest, Optional<String> error) {
    return new ArchiveState(
        pending,
        pending * 16 * 1048576 + 4096,
        oldest,
        "000000010000000000000007",
        NOW.minusSeconds(90),
        error.isPresent() ? 3 : 0,
        error,
        NOW);
  }

  @Test
  void keepsUpWhileNothingWaitsLongAndNothingFails() {
    ArchiveState quiet = state(0, null, Optional.empty());
    assertThat(quiet.lagSeconds()).isZero();
    assertThat(ArchiveHealth.of(quiet).ok()).isTrue();
    ArchiveState busy = state(2, NOW.minusSeconds(40), Optional.empty());
    assertThat(busy.lagSeconds()).isEqualTo(40);
    ArchiveHealth.Verdict verdict = ArchiveHealth.of(busy);
    assertThat(verdict.ok()).isTrue();
    assertThat(verdict.message())
        .as("numbers stay out of a healthy message: the condition changes with the verdict only")
        .isEqualTo("WAL archiving keeps up");
  }

  @Test
  void failsWithBarmansWordsAndIsBehindWhenASegmentWaitsTooLong() {
    ArchiveHealth.Verdict failing =
        ArchiveHealth.of(
            state(
                3,
                NOW.minusSeconds(200),
                Optional.of(
                    "2026-12-03T11:59:00Z 000000010000000000000008: An error occurred (403)")));
    assertThat(failing.ok()).isFalse();
    assertThat(failing.reason()).isEqualTo("ArchiveFailing");
    assertThat(failing.message())
        .contains("An error occurred (403)")
        .contains("3 segments (48.0 MB) not archived, the oldest for 200 s");

    ArchiveHealth.Verdict behind =
        ArchiveHealth.of(
            state(1, NOW.minus(ArchiveHealth.BEHIND).minusSeconds(1), Optional.empty()));
    assertThat(behind.ok()).isFalse();
    assertThat(behind.reason()).isEqualTo("ArchiveBehind");
  }
}
