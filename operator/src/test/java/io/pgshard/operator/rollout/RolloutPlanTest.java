package io.pgshard.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.rollout.RolloutPlan.Hold;
import io.pgshard.operator.rollout.RolloutPlan.Member;
import io.pgshard.operator.rollout.RolloutPlan.Restart;
import io.pgshard.operator.rollout.RolloutPlan.Shard;
import io.pgshard.operator.rollout.RolloutPlan.Switchover;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {

  private static final String OLD = "rev-1";
  private static final String NEW = "rev-2";

  private static Member primary(int ordinal, String revision) {
    return new Member("s-" + ordinal, ordinal, true, true, false, revision, List.of(), false, 900);
  }

  private static Member standby(int ordinal, String revision, long position) {
    return new Member(
        "s-" + ordinal, ordinal, false, true, false, revision, List.of(), true, position);
  }

  private static Shard shard(RolloutPhase previous, Member... members) {
    return new Shard(NEW, members.length, List.of(members), false, true, null, null, previous);
  }

  @Test
  void aShardWhoseInstancesRunTheTargetIsUpToDate() {
    RolloutPlan.Plan plan =
        RolloutPlan.plan(shard(null, primary(0, NEW), standby(1, NEW, 900), standby(2, NEW, 900)));

    assertThat(plan.step()).isInstanceOf(Hold.class);
    assertThat(plan.step().phase()).isEqualTo(RolloutPhase.UP_TO_DATE);
    assertThat(plan.pending()).isEmpty();
    assertThat(plan.updated()).isEqualTo(3);
  }

  @Test
  void standbysRestartFirstHighestOrdinalFirst() {
    RolloutPlan.Plan plan =
        RolloutPlan.plan(shard(null, primary(0, OLD), standby(1, OLD, 900), standby(2, OLD, 900)));

    assertThat(plan.step())
        .isEqualTo(new Restart("s-2", RolloutPhase.RESTARTING_STANDBY, plan.step().message()));
    assertThat(plan.pending()).hasSize(3).first().asString().startsWith("s-0: revision rev-1");
    assertThat(plan.updated()).isZero();
  }

  @Test
  void aStandbyTakingABaseBackupRestartsLastAndIsWaitedFor() {
    Member p = primary(0, OLD);
    Member one = standby(1, OLD, 900);
    Member two = standby(2, OLD, 900);
    Shard withBackupOnTwo = new Shard(NEW, 3, List.of(p, one, two), false, true, null, "s-2", null);

    assertThat(((Restart) RolloutPlan.plan(withBackupOnTwo).step()).pod()).isEqualTo("s-1");

    Shard onlyTwoLeft =
        new Shard(NEW, 3, List.of(p, standby(1, NEW, 900), two), false, true, null, "s-2", null);
    RolloutPlan.Step step = RolloutPlan.plan(onlyTwoLeft).step();
    assertThat(step).isInstanceOf(Hold.class);
    assertThat(step.message()).contains("base backup on s-2");
  }

  @Test
  void nothingRestartsWhileAnInstanceIsNotBackOrNotStreaming() {
    Member back = standby(2, NEW, 900);
    List<Member> notReady =
        List.of(
            primary(0, OLD),
            standby(1, OLD, 900),
            new Member("s-2", 2, false, false, false, NEW, List.of(), false, 0));
    Shard restarting =
        new Shard(NEW, 3, notReady, false, true, null, null, RolloutPhase.RESTARTING_STANDBY);
    RolloutPlan.Step step = RolloutPlan.plan(restarting).step();
    assertThat(step).isInstanceOf(Hold.class);
    assertThat(step.phase()).isEqualTo(RolloutPhase.RESTARTING_STANDBY);
    assertThat(step.message()).contains("s-2 to be ready");

    List<Member> notStreaming =
        List.of(
            primary(0, OLD),
            standby(1, OLD, 900),
            new Member("s-2", 2, false, true, false, NEW, List.of(), false, 0));
    assertThat(
            RolloutPlan.plan(
                    new Shard(
                        NEW,
                        3,
                        notStreaming,
                        false,
                        true,
                        null,
                        null,
                        RolloutPhase.RESTARTING_STANDBY))
                .step()
                .message())
        .contains("s-2 to stream");

    List<Member> missing = List.of(primary(0, OLD), standby(1, OLD, 900));
    assertThat(
            RolloutPlan.plan(
                    new Shard(
                        NEW, 3, missing, false, true, null, null, RolloutPhase.RESTARTING_STANDBY))
                .step()
                .message())
        .contains("1 instance(s) to be created");

    List<Member> streaming = List.of(primary(0, OLD), standby(1, OLD, 900), back);
    assertThat(
            RolloutPlan.plan(
                    new Shard(
                        NEW,
                        3,
                        streaming,
                        false,
                        true,
                        null,
                        null,
                        RolloutPhase.RESTARTING_STANDBY))
                .step())
        .isInstanceOf(Restart.class)
        .extracting(s -> ((Restart) s).pod())
        .isEqualTo("s-1");
  }

  @Test
  void thePrimaryHandsOverToTheUpdatedStandbyWithTheMostWal() {
    Shard standbysDone =
        shard(
            RolloutPhase.RESTARTING_STANDBY,
            primary(0, OLD),
            standby(1, NEW, 800),
            standby(2, NEW, 900));

    RolloutPlan.Step step = RolloutPlan.plan(standbysDone).step();

    assertThat(step).isInstanceOf(Switchover.class);
    assertThat(((Switchover) step).from()).isEqualTo("s-0");
    assertThat(((Switchover) step).to()).isEqualTo("s-2");
    assertThat(step.phase()).isEqualTo(RolloutPhase.SWITCHOVER);
  }

  @Test
  void afterTheSwitchoverTheFormerPrimaryIsWaitedForThenTheRolloutEnds() {
    List<Member> formerPrimaryBack =
        new ArrayList<>(
            List.of(
                primary(2, NEW),
                standby(1, NEW, 900),
                new Member("s-0", 0, false, false, false, NEW, List.of(), false, 0)));
    RolloutPlan.Step waiting =
        RolloutPlan.plan(
                new Shard(
                    NEW, 3, formerPrimaryBack, false, true, null, null, RolloutPhase.SWITCHOVER))
            .step();
    assertThat(waiting.phase()).isEqualTo(RolloutPhase.RESTARTING_FORMER_PRIMARY);

    formerPrimaryBack.set(2, standby(0, NEW, 900));
    RolloutPlan.Step done =
        RolloutPlan.plan(
                new Shard(
                    NEW,
                    3,
                    formerPrimaryBack,
                    false,
                    true,
                    null,
                    null,
                    RolloutPhase.RESTARTING_FORMER_PRIMARY))
            .step();
    assertThat(done.phase()).isEqualTo(RolloutPhase.UP_TO_DATE);
  }

  @Test
  void aShardWithoutStandbysRestartsItsPrimaryInPlaceAndSaysSo() {
    RolloutPlan.Step step = RolloutPlan.plan(shard(null, primary(0, OLD))).step();

    assertThat(step).isEqualTo(new Restart("s-0", RolloutPhase.RESTARTING_PRIMARY, step.message()));
    assertThat(step.message()).contains("no standby to hand over to");
  }

  @Test
  void parametersPendingARestartRollTheInstancesThatReportThem() {
    Member p = new Member("s-0", 0, true, true, false, NEW, List.of("shared_buffers"), false, 900);
    Member s1 = new Member("s-1", 1, false, true, false, NEW, List.of("shared_buffers"), true, 900);
    Member s2 = standby(2, NEW, 900);

    RolloutPlan.Plan plan = RolloutPlan.plan(shard(null, p, s1, s2));

    assertThat(plan.pending())
        .containsExactly(
            "s-0: parameters applied at restart: shared_buffers",
            "s-1: parameters applied at restart: shared_buffers");
    assertThat(((Restart) plan.step()).pod()).isEqualTo("s-1");
    assertThat(plan.updated()).isEqualTo(1);
  }

  @Test
  void aPausedRolloutOrOneWithoutATurnOrABusyShardRestartsNothing() {
    List<Member> members = List.of(primary(0, OLD), standby(1, OLD, 900));
    RolloutPlan.Step paused =
        RolloutPlan.plan(new Shard(NEW, 2, members, true, true, null, null, null)).step();
    assertThat(paused.phase()).isEqualTo(RolloutPhase.PAUSED);

    RolloutPlan.Step noTurn =
        RolloutPlan.plan(new Shard(NEW, 2, members, false, false, null, null, null)).step();
    assertThat(noTurn.phase()).isEqualTo(RolloutPhase.WAITING);
    assertThat(noTurn.message()).contains("maxShardsInParallel");

    // a shard that has begun keeps its turn
    assertThat(
            RolloutPlan.plan(
                    new Shard(
                        NEW, 2, members, false, false, null, null, RolloutPhase.RESTARTING_STANDBY))
                .step())
        .isInstanceOf(Restart.class);

    RolloutPlan.Step busy =
        RolloutPlan.plan(
                new Shard(
                    NEW, 2, members, false, true, "the promotion of s-1 is on record", null, null))
            .step();
    assertThat(busy).isInstanceOf(Hold.class);
    assertThat(busy.message()).contains("the promotion of s-1 is on record");
  }

  @Test
  void withoutAnUpToDateStreamingStandbyThePrimaryWaits() {
    Member updatedButNotStreaming =
        new Member("s-1", 1, false, true, false, NEW, List.of(), false, 900);
    // not streaming: unsettled, so the shard waits before the switchover is even considered
    RolloutPlan.Step step =
        RolloutPlan.plan(
                new Shard(
                    NEW,
                    2,
                    List.of(primary(0, OLD), updatedButNotStreaming),
                    false,
                    true,
                    null,
                    null,
                    RolloutPhase.RESTARTING_STANDBY))
            .step();
    assertThat(step).isInstanceOf(Hold.class);
    assertThat(step.message()).contains("s-1 to stream");
  }

  @Test
  void anUnknownTargetRevisionRollsOnlyForPendingParameters() {
    Shard unknown =
        new Shard(
            null,
            2,
            List.of(primary(0, OLD), standby(1, "other", 900)),
            false,
            true,
            null,
            null,
            null);
    assertThat(RolloutPlan.plan(unknown).step().phase()).isEqualTo(RolloutPhase.UP_TO_DATE);
  }

  @Test
  void theSameSnapshotGivesTheSameStep() {
    Shard s = shard(null, primary(0, OLD), standby(1, OLD, 900), standby(2, OLD, 900));
    assertThat(RolloutPlan.plan(s)).isEqualTo(RolloutPlan.plan(s));
  }
}
