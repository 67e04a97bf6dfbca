package io.pgshard.operator.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgshard.operator.sql.BackupStatements.BaseBackupState;
import io.pgshard.operator.sql.BackupStatements.BaseBackupState.Phase;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupStatementsTest {

  @Test
  void readsEachLineBackupShWrites() {
    assertThat(BaseBackupState.parse("running 2026-12-02T17:00:00Z\n"))
        .isEqualTo(new BaseBackupState(Phase.RUNNING, Instant.parse("2026-12-02T17:00:00Z"), ""));
    assertThat(BaseBackupState.parse("done 2026-12-02T17:05:00Z").phase()).isEqualTo(Phase.DONE);
    BaseBackupState failed =
        BaseBackupState.parse("failed 2026-12-02T17:05:00Z exit 1: ERROR: bucket not found");
    assertThat(failed.phase()).isEqualTo(Phase.FAILED);
    assertThat(failed.message()).isEqualTo("exit 1: ERROR: bucket not found");
    assertThat(BaseBackupState.parse("garbage").phase()).isEqualTo(Phase.FAILED);
  }

  @Test
  void aNameThatCouldReachTheShellIsRefusedBeforeAnythingRuns() {
    assertThatThrownBy(() -> BackupStatements.start(null, "b1'; rm -rf /"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackupStatements.state(null, "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
