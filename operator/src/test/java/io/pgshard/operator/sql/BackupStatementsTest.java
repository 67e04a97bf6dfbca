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

  @Test
  void barmanCloudsListingIsReadWithItsTimesInUtc() throws Exception {
    String json =
        "{\"backups_list\": [{\"backup_id\": \"20261203T070102\", \"status\": \"DONE\","
            + " \"begin_time\": \"Thu Dec  3 07:01:02 2026\", \"end_time\": \"Thu Dec  3 07:01:09"
            + " 2026\"}, {\"backup_id\": \"20261203T080000\", \"status\": \"STARTED\","
            + " \"begin_time\": \"Thu Dec  3 08:00:00 2026\", \"end_time\": null}]}";
    var backups = BackupStatements.parseList(json);
    assertThat(backups).hasSize(2);
    assertThat(backups.get(0).id()).isEqualTo("20261203T070102");
    assertThat(backups.get(0).completed()).isTrue();
    assertThat(backups.get(0).started()).isEqualTo(Instant.parse("2026-12-03T07:01:02Z"));
    assertThat(backups.get(0).ended()).isEqualTo(Instant.parse("2026-12-03T07:01:09Z"));
    assertThat(backups.get(1).completed()).isFalse();
    assertThat(backups.get(1).ended()).isNull();
  }

  @Test
  void aFailedListingIsAnErrorWithBarmansWords() {
    assertThatThrownBy(
            () -> BackupStatements.parseList("{\"error\": \"Bucket pgshard-it does not exist\"}"))
        .hasMessageContaining("Bucket pgshard-it does not exist");
  }
}
