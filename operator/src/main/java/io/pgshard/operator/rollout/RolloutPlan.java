package io.pgshard.operator.rollout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides the next step of a shard's rolling restart from a snapshot of its instances. An instance
 * is out of date when its pod runs another revision than the StatefulSet's update revision, or when
 * PostgreSQL reports parameters that apply only at the next start. The order is the one that keeps
 * the shard writable and loses nothing:
 *
 * <ol>
 *   <li>out-of-date standbys restart one at a time (highest ordinal first, a standby taking a base
 *       backup last), each back to ready and streaming before the next;
 *   <li>then the primary hands over with a planned switchover to an up-to-date streaming standby
 *       (the one with the most WAL); the switchover deletes the former primary's pod, which comes
 *       back updated as a standby;
 *   <li>a shard without standbys restarts its primary in place: the only way, and said so.
 * </ol>
 *
 * Nothing restarts while any instance is missing, not ready, terminating or not streaming, while a
 * promotion or switchover is under way, while the rollout is paused, or before the shard has its
 * turn among the cluster's shards. The plan keeps no state: the same snapshot gives the same step,
 * so it is safe to repeat after an operator restart.
 */
public final class RolloutPlan {

  /** One instance as the rollout sees it. */
  public record Member(
      String name,
      int ordinal,
      boolean primary,
      boolean ready,
      boolean terminating,
      String revision,
      List<String> pendingRestart,
      boolean streaming,
      long position) {

    public Member {
      pendingRestart = pendingRestart == null ? List.of() : List.copyOf(pendingRestart);
    }
  }

  /**
   * The shard: {@code targetRevision} null when the StatefulSet has none yet (then only pending
   * parameters count); {@code busy} says what else is under way (a promotion, a switchover), null
   * when nothing; {@code backupOn} the instance taking a base backup, or null; {@code previous} the
   * phase status recorded.
   */
  public record Shard(
      String targetRevision,
      int desiredInstances,
      List<Member> members,
      boolean paused,
      boolean hasTurn,
      String busy,
      String backupOn,
      RolloutPhase previous) {}

  /** What to do now. */
  public sealed interface Step permits Hold, Restart, Switchover {
    RolloutPhase phase();

    String message();
  }

  /** Nothing to do now (up to date, paused, or waiting for something). */
  public record Hold(RolloutPhase phase, String message) implements Step {}

  /** Restart {@code pod}: evict it, and the StatefulSet creates it again from the target. */
  public record Restart(String pod, RolloutPhase phase, String message) implements Step {}

  /** Hand the primary role from {@code from} to {@code to} with a planned switchover. */
  public record Switchover(String from, String to, String message) implements Step {
    @Override
    public RolloutPhase phase() {
      return RolloutPhase.SWITCHOVER;
    }
  }

  /**
   * The step, the instances still to restart ({@code "<pod>: <why>"}), and how many instances are
   * up to date.
   */
  public record Plan(Step step, List<String> pending, int updated) {}

  private RolloutPlan() {}

  public static Plan plan(Shard shard) {
    List<String> pending = new ArrayList<>();
    List<Member> outdated = new ArrayList<>();
    int updated = 0;
    for (Member m : shard.members().stream().sorted(ORDINAL).toList()) {
      Optional<String> why = outdated(shard.targetRevision(), m);
      if (why.isPresent()) {
        pending.add(m.name() + ": " + why.get());
        outdated.add(m);
      } else if (!m.terminating()) {
        updated++;
      }
    }
    return new Plan(step(shard, outdated), List.copyOf(pending), updated);
  }

  private static Step step(Shard shard, List<Member> outdated) {
    RolloutPhase previous = shard.previous();
    boolean inProgress = previous != null && previous.rolling();
    if (outdated.isEmpty()) {
      Optional<String> unsettled = unsettled(shard);
      if (inProgress && unsettled.isPresent()) {
        // the last restarted instance (or the former primary) is still on its way back
        RolloutPhase phase =
            previous == RolloutPhase.SWITCHOVER ? RolloutPhase.RESTARTING_FORMER_PRIMARY : previous;
        return new Hold(phase, "waiting for " + unsettled.get());
      }
      return new Hold(RolloutPhase.UP_TO_DATE, "every instance runs the target revision");
    }
    String count = outdated.size() + " instance(s) to restart";
    if (shard.paused()) {
      return new Hold(RolloutPhase.PAUSED, count + "; spec.rollout.paused holds them");
    }
    // a shard that has begun keeps going (its turn is its own); one that has not waits for a turn
    if (!inProgress && !shard.hasTurn()) {
      return new Hold(
          RolloutPhase.WAITING,
          count + "; waiting for its turn (spec.rollout.maxShardsInParallel)");
    }
    RolloutPhase waitingPhase = inProgress ? previous : RolloutPhase.WAITING;
    if (shard.busy() != null) {
      return new Hold(waitingPhase, count + "; waiting: " + shard.busy());
    }
    Optional<String> unsettled = unsettled(shard);
    if (unsettled.isPresent()) {
      return new Hold(waitingPhase, count + "; waiting for " + unsettled.get());
    }
    Optional<Member> standby =
        outdated.stream()
            .filter(m -> !m.primary())
            .min(
                Comparator.comparing((Member m) -> m.name().equals(shard.backupOn()))
                    .thenComparing(ORDINAL.reversed()));
    if (standby.isPresent()) {
      Member m = standby.get();
      if (m.name().equals(shard.backupOn())) {
        return new Hold(
            waitingPhase, count + "; waiting for the base backup on " + m.name() + " to end");
      }
      return new Restart(
          m.name(),
          RolloutPhase.RESTARTING_STANDBY,
          "restarting standby " + m.name() + " (" + why(shard, m) + ")");
    }
    Member primary = outdated.get(0); // only the primary is left
    Optional<Member> target =
        shard.members().stream()
            .filter(m -> !m.primary() && m.streaming())
            .filter(m -> outdated(shard.targetRevision(), m).isEmpty())
            .max(
                Comparator.comparingLong(Member::position)
                    .thenComparing(ORDINAL.reversed())); // most WAL, then the lowest ordinal
    if (target.isPresent()) {
      return new Switchover(
          primary.name(),
          target.get().name(),
          "switchover from "
              + primary.name()
              + " to "
              + target.get().name()
              + ", then "
              + primary.name()
              + " restarts as a standby ("
              + why(shard, primary)
              + ")");
    }
    if (shard.members().stream().anyMatch(m -> !m.primary())) {
      return new Hold(waitingPhase, count + "; waiting for an up-to-date streaming standby");
    }
    return new Restart(
        primary.name(),
        RolloutPhase.RESTARTING_PRIMARY,
        "restarting primary "
            + primary.name()
            + " in place: the shard has no standby to hand over to, writes wait until it is back ("
            + why(shard, primary)
            + ")");
  }

  /** Why {@code m} needs a restart, if it does. */
  static Optional<String> outdated(String targetRevision, Member m) {
    if (targetRevision != null && m.revision() != null && !targetRevision.equals(m.revision())) {
      return Optional.of("revision " + m.revision() + ", target " + targetRevision);
    }
    if (!m.pendingRestart().isEmpty()) {
      return Optional.of("parameters applied at restart: " + String.join(", ", m.pendingRestart()));
    }
    return Optional.empty();
  }

  private static String why(Shard shard, Member m) {
    return outdated(shard.targetRevision(), m).orElse("up to date");
  }

  /** The first thing that keeps the shard from a safe restart, if any. */
  private static Optional<String> unsettled(Shard shard) {
    List<Member> members = shard.members().stream().sorted(ORDINAL).toList();
    for (Member m : members) {
      if (m.terminating()) {
        return Optional.of(m.name() + " to stop");
      }
      if (!m.ready()) {
        return Optional.of(m.name() + " to be ready");
      }
    }
    long live = members.stream().filter(m -> !m.terminating()).count();
    if (live < shard.desiredInstances()) {
      return Optional.of(
          (shard.desiredInstances() - live) + " instance(s) to be created by the StatefulSet");
    }
    if (members.stream().noneMatch(Member::primary)) {
      return Optional.of("a primary");
    }
    for (Member m : members) {
      if (!m.primary() && !m.streaming()) {
        return Optional.of(m.name() + " to stream from the primary");
      }
    }
    return Optional.empty();
  }

  private static final Comparator<Member> ORDINAL = Comparator.comparingInt(Member::ordinal);
}
