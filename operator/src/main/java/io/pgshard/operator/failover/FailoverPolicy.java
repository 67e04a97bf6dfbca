package io.pgshard.operator.failover;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides, from an {@link ObservedShard} alone, whether to promote an instance. Pure: no I/O, no
 * clock; the executor acts on the decision. The order of the checks is the safety argument:
 *
 * <ol>
 *   <li>a promotion already recorded is finished before anything else (never a second one);
 *   <li>two instances running as primary is never resolved automatically;
 *   <li>a healthy primary is left alone, unless its pod is being deleted: then it hands over with a
 *       planned switchover; one that failed fewer than {@code failureThreshold} probes is waited
 *       for;
 *   <li>while any standby still streams from an unreachable primary, that primary is alive and only
 *       the operator's path to it is broken: no failover;
 *   <li>in synchronous mode ({@code ANY k} of n standbys) at least n−k+1 standbys must answer, so
 *       that one of them holds every acknowledged commit;
 *   <li>only standbys of this cluster (system identifier) on the timeline the primary last wrote on
 *       are eligible: one that followed another history lacks what the primary acknowledged;
 *   <li>the candidate is the eligible standby with the most WAL (receive, then replay LSN), then
 *       the lowest ordinal, and only one within {@code maxLagBytes} of the old primary is promoted.
 * </ol>
 *
 * The executor fences the old primary and confirms it before promoting ({@link FailoverExecutor}).
 */
public final class FailoverPolicy {

  /** Most WAL received, then most replayed, then the lowest ordinal (a stable tie-break). */
  static final Comparator<InstanceObservation> ELECTION_ORDER = FailoverPolicy::electionOrder;

  /** Consecutive failed probes, the last one refused, after which a primary counts as down. */
  static final int REFUSED_ROUNDS = 2;

  private FailoverPolicy() {}

  public static FailoverDecision decide(FailoverSettings settings, ObservedShard shard) {
    if (shard.targetPrimary() != null) {
      if (!shard.targetPrimary().equals(shard.labelledPrimary())) {
        return resume(shard);
      }
      // promoted and labelled, but the status write that ends the promotion did not happen: write
      // it now (a stale target must never be promoted later, after another failover)
      Optional<InstanceObservation> target = shard.instance(shard.targetPrimary());
      if (target.isPresent() && target.get().isPrimary()) {
        return new FailoverDecision.Promote(
            shard.targetPrimary(),
            null,
            0,
            "PromotionRecorded",
            shard.targetPrimary()
                + " was promoted and labelled but the promotion was not recorded then (which"
                + " instance it replaced is not known); recording it now");
      }
      // not running as primary any more: decide afresh; a new promotion replaces the target
    }
    List<InstanceObservation> primaries =
        shard.instances().stream().filter(InstanceObservation::isPrimary).toList();
    if (primaries.size() > 1) {
      return new FailoverDecision.Refuse(
          "MultiplePrimaries",
          "instances "
              + primaries.stream().map(InstanceObservation::pod).toList()
              + " all run as primary; a person must choose which one keeps its writes");
    }
    if (shard.labelledPrimary() == null) {
      return withoutLabelledPrimary(settings, shard, primaries);
    }
    return withLabelledPrimary(settings, shard, primaries);
  }

  private static int electionOrder(InstanceObservation a, InstanceObservation b) {
    int byPosition = Long.compareUnsigned(b.position(), a.position());
    if (byPosition != 0) {
      return byPosition;
    }
    int byReplay = Long.compareUnsigned(orZero(b.replayLsn()), orZero(a.replayLsn()));
    return byReplay != 0 ? byReplay : Integer.compare(a.ordinal(), b.ordinal());
  }

  private static long orZero(Long lsn) {
    return lsn == null ? 0 : lsn;
  }

  private static FailoverDecision resume(ObservedShard shard) {
    Optional<InstanceObservation> target = shard.instance(shard.targetPrimary());
    if (target.isPresent() && target.get().reachable()) {
      return new FailoverDecision.Promote(
          shard.targetPrimary(),
          shard.labelledPrimary(),
          0,
          "ResumingPromotion",
          "finishing the promotion of " + shard.targetPrimary() + " recorded before");
    }
    return new FailoverDecision.Wait(
        "PromotionTargetUnreachable",
        "a promotion of "
            + shard.targetPrimary()
            + " was started and cannot be finished until it answers; no other instance is chosen"
            + " meanwhile");
  }

  private static FailoverDecision withoutLabelledPrimary(
      FailoverSettings settings, ObservedShard shard, List<InstanceObservation> primaries) {
    if (primaries.size() == 1) {
      // promoted earlier, the label was not set yet (or was removed): label it, promote nothing
      InstanceObservation running = primaries.get(0);
      return new FailoverDecision.Promote(
          running.pod(),
          null,
          0,
          "PrimaryNotLabelled",
          running.pod() + " already runs as primary; labelling it");
    }
    if (!shard.initialized()) {
      return elect(
          settings,
          shard,
          null,
          "InitialPromotion",
          "the shard's first primary",
          Long.MAX_VALUE,
          "AwaitingInstance");
    }
    if (!settings.enabled()) {
      return new FailoverDecision.Refuse(
          "FailoverDisabled", "the shard has no primary and automatic failover is disabled");
    }
    return elect(
        settings,
        shard,
        null,
        "NoPrimary",
        "the shard had no primary",
        settings.maxLagBytes(),
        "NoCandidate");
  }

  private static FailoverDecision withLabelledPrimary(
      FailoverSettings settings, ObservedShard shard, List<InstanceObservation> primaries) {
    String old = shard.labelledPrimary();
    Optional<InstanceObservation> seen = shard.instance(old);
    if (seen.isPresent() && seen.get().isPrimary()) {
      if (shard.labelledPrimaryTerminating()) {
        return handover(settings, shard, old);
      }
      return new FailoverDecision.None("PrimaryHealthy", old + " is the primary and answers");
    }
    if (!primaries.isEmpty()) {
      return new FailoverDecision.Refuse(
          "UnexpectedPrimary",
          primaries.get(0).pod()
              + " runs as primary but "
              + old
              + " is labelled primary; not relabelling automatically");
    }
    // a primary whose pod is being deleted and that no longer answers is going, not failing
    boolean gone = !shard.labelledPrimaryPodExists() || shard.labelledPrimaryTerminating();
    // every instance starts as a standby: a primary that restarted is in recovery now
    boolean demoted = seen.isPresent() && seen.get().isStandby();
    // nothing listens where the primary was, twice in a row: it is down, and it can only come back
    // as a standby (every instance starts as one), so waiting out the threshold gains nothing
    boolean down =
        seen.isPresent() && seen.get().refused() && shard.primaryFailures() >= REFUSED_ROUNDS;
    if (!gone && !demoted && !down && shard.primaryFailures() < settings.failureThreshold()) {
      return new FailoverDecision.Wait(
          "PrimaryProbeFailed",
          old
              + " failed "
              + shard.primaryFailures()
              + " of "
              + settings.failureThreshold()
              + " consecutive probes before failover");
    }
    if (!settings.enabled()) {
      return new FailoverDecision.Refuse(
          "FailoverDisabled",
          old + " is not serving as primary and automatic failover is disabled");
    }
    if (!gone && !demoted) {
      List<String> streaming =
          shard.instances().stream()
              .filter(i -> !i.pod().equals(old) && i.isStandby() && i.streaming())
              .map(InstanceObservation::pod)
              .toList();
      if (!streaming.isEmpty()) {
        return new FailoverDecision.Wait(
            "PrimaryUnreachableFromOperator",
            old
                + " does not answer the operator but "
                + streaming
                + " still stream from it: it is alive, only the operator's path to it is broken");
      }
    }
    String why =
        gone
            ? "PrimaryPodGone"
            : demoted ? "PrimaryInRecovery" : down ? "PrimaryDown" : "PrimaryUnreachable";
    String what =
        gone
            ? old + " is gone"
            : demoted
                ? old + " restarted as a standby"
                : down
                    ? old + " refuses connections (no postmaster listens)"
                    : old + " failed " + shard.primaryFailures() + " consecutive probes";
    return elect(settings, shard, old, why, what, settings.maxLagBytes(), "NoCandidate");
  }

  /**
   * The primary answers but its pod is going away: the most advanced eligible standby takes over
   * through a switchover. Without one, nothing is done and the pod's own shutdown decides.
   */
  private static FailoverDecision handover(
      FailoverSettings settings, ObservedShard shard, String old) {
    List<InstanceObservation> candidates = eligible(shard, old);
    if (candidates.isEmpty()) {
      return new FailoverDecision.Wait(
          "PrimaryTerminating",
          old + " is being deleted and no standby on its timeline answers to take over");
    }
    String candidate = candidates.get(0).pod();
    return new FailoverDecision.Handover(
        candidate,
        old,
        "PrimaryTerminating",
        old + " is being deleted; handing over to " + candidate + " with a switchover");
  }

  /** Reachable standbys of this cluster on the last primary's timeline, best first. */
  private static List<InstanceObservation> eligible(ObservedShard shard, String old) {
    return shard.instances().stream()
        .filter(i -> !i.pod().equals(old) || !shard.labelledPrimaryTerminating())
        .filter(InstanceObservation::isStandby)
        .filter(i -> sameCluster(shard, i))
        .filter(i -> sameTimeline(shard, i))
        .sorted(ELECTION_ORDER)
        .toList();
  }

  /** The old primary was seen down (nothing listens) or running as a standby: it cannot write. */
  private static boolean seenStopped(ObservedShard shard, String old) {
    return shard
        .instance(old)
        .map(i -> i.refused() || i.isStandby())
        .orElse(!shard.labelledPrimaryPodExists());
  }

  private static boolean sameCluster(ObservedShard shard, InstanceObservation i) {
    return shard.systemIdentifier() == null
        || shard.systemIdentifier().equals(i.systemIdentifier());
  }

  private static boolean sameTimeline(ObservedShard shard, InstanceObservation i) {
    return shard.lastPrimaryTimeline() == null
        || i.timeline() == null
        || shard.lastPrimaryTimeline().equals(i.timeline());
  }

  private static FailoverDecision elect(
      FailoverSettings settings,
      ObservedShard shard,
      String old,
      String reason,
      String what,
      long maxLagBytes,
      String noCandidateReason) {
    List<InstanceObservation> answering =
        shard.instances().stream()
            .filter(InstanceObservation::isStandby)
            .filter(i -> sameCluster(shard, i))
            .toList();
    int quorum = old == null && !shard.initialized() ? 0 : settings.quorum();
    if (answering.size() < quorum) {
      return new FailoverDecision.Wait(
          "SyncQuorumIncomplete",
          what
              + "; "
              + answering.size()
              + " standby(s) answer but "
              + quorum
              + " must be examined so that one holds every acknowledged commit (ANY "
              + settings.syncStandbys()
              + " of "
              + settings.standbys()
              + ")");
    }
    List<InstanceObservation> candidates = eligible(shard, old);
    if (candidates.isEmpty()) {
      List<String> diverged =
          answering.stream().filter(i -> !sameTimeline(shard, i)).map(i -> i.pod()).toList();
      if (!diverged.isEmpty()) {
        return new FailoverDecision.Wait(
            "CandidateOnOtherTimeline",
            what
                + "; "
                + diverged
                + " answer on another timeline than the primary's last ("
                + shard.lastPrimaryTimeline()
                + "): promoting one would drop what the primary wrote");
      }
      return new FailoverDecision.Wait(
          "NoCandidate", what + "; no reachable standby of this cluster to promote");
    }
    InstanceObservation best = candidates.get(0);
    long lag =
        shard.lastPrimaryLsn() == null ? 0 : Math.max(0, shard.lastPrimaryLsn() - best.position());
    if (lag > maxLagBytes) {
      return new FailoverDecision.Refuse(
          "CandidateTooFarBehind",
          what
              + "; the best candidate "
              + best.pod()
              + " is "
              + lag
              + " bytes behind the last position seen on the primary ("
              + Lsn.format(shard.lastPrimaryLsn())
              + "), more than maxLagOnFailover ("
              + maxLagBytes
              + " bytes); promote it by hand to accept the loss");
    }
    return new FailoverDecision.Promote(
        best.pod(),
        old,
        lag,
        reason,
        what + "; promoting " + best.pod() + " (WAL " + Lsn.format(best.position()) + ")",
        old == null
            || (quorum > 0 && !shard.labelledPrimaryTerminating())
            || seenStopped(shard, old));
  }
}
