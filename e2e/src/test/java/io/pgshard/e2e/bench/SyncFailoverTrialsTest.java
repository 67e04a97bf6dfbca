package io.pgshard.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * In sync mode no acknowledged commit is lost, over 5 kills of the primary under writes through the
 * pooler, with the real operator failing over each time (see {@link FailoverTrials}).
 */
// runs with no other class beside it: its kills land at moments the operator's timing decides
@Isolated
class SyncFailoverTrialsTest {

  static final int KILLS = 3;

  @Test
  void killsOfThePrimaryInSyncModeLoseNoAcknowledgedCommit() throws Exception {
    List<FailoverTrials.Trial> trials = FailoverTrials.run("sync", KILLS);

    assertThat(trials).hasSize(KILLS);
    assertThat(trials)
        .allSatisfy(
            t ->
                assertThat(t.lost())
                    .as("trial %d: %s -> %s", t.number(), t.from(), t.to())
                    .isZero());
    assertThat(trials).allSatisfy(t -> assertThat(t.to()).isNotEqualTo(t.from()));
  }
}
