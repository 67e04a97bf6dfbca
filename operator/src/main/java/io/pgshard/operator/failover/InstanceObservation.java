package io.pgshard.operator.failover;

import java.util.List;

/**
 * One probe of one instance. Fields other than {@code pod}, {@code ordinal} and {@code reachable}
 * are null when the instance did not answer.
 *
 * @param receiveLsn last WAL received by a standby ({@code pg_last_wal_receive_lsn()})
 * @param replayLsn last WAL replayed by a standby
 * @param currentLsn a primary's current WAL write position
 * @param streaming a standby's WAL receiver is in state {@code streaming}
 * @param upstreamHost the host its WAL receiver is connected to (to tell who it streams from)
 * @param rejoin what the instance's last start did to rejoin the primary's history, from its {@code
 *     pgshard.rejoin} file ({@code "rewound <time>"}, {@code "recloned <time>"}), or null
 * @param refused the connection was refused: no postmaster listens at the address (it is down, and
 *     every instance starts again as a standby), unlike a timeout (frozen or cut off)
 * @param pendingRestart parameters whose new value the instance takes only when it restarts ({@code
 *     pg_settings.pending_restart}), sorted; empty when none, null when it did not answer
 * @param dataFilesystem the filesystem under its data directory as its container last saw it (the
 *     liveness probe writes it every 10 s), or null when not known yet
 */
public record InstanceObservation(
    String pod,
    int ordinal,
    boolean reachable,
    Boolean inRecovery,
    Long timeline,
    Long receiveLsn,
    Long replayLsn,
    Long currentLsn,
    boolean streaming,
    String upstreamHost,
    String systemIdentifier,
    boolean refused,
    String rejoin,
    List<String> pendingRestart,
    DataFilesystem dataFilesystem) {

  /** An observation that says nothing about pending restarts (tests, and what predates them). */
  public InstanceObservation(
      String pod,
      int ordinal,
      boolean reachable,
      Boolean inRecovery,
      Long timeline,
      Long receiveLsn,
      Long replayLsn,
      Long currentLsn,
      boolean streaming,
      String upstreamHost,
      String systemIdentifier,
      boolean refused,
      String rejoin) {
    this(
        pod,
        ordinal,
        reachable,
        inRecovery,
        timeline,
        receiveLsn,
        replayLsn,
        currentLsn,
        streaming,
        upstreamHost,
        systemIdentifier,
        refused,
        rejoin,
        reachable ? List.of() : null,
        null);
  }

  public static InstanceObservation unreachable(String pod, int ordinal) {
    return new InstanceObservation(
        pod, ordinal, false, null, null, null, null, null, false, null, null, false, null);
  }

  /** Nothing listens at the instance's address: its postmaster is not running. */
  public static InstanceObservation refused(String pod, int ordinal) {
    return new InstanceObservation(
        pod, ordinal, false, null, null, null, null, null, false, null, null, true, null);
  }

  /** The same observation with another timeline (the monitor remembers what it saw streaming). */
  public InstanceObservation withTimeline(Long tli) {
    return new InstanceObservation(
        pod,
        ordinal,
        reachable,
        inRecovery,
        tli,
        receiveLsn,
        replayLsn,
        currentLsn,
        streaming,
        upstreamHost,
        systemIdentifier,
        refused,
        rejoin,
        pendingRestart,
        dataFilesystem);
  }

  public boolean isPrimary() {
    return reachable && Boolean.FALSE.equals(inRecovery);
  }

  public boolean isStandby() {
    return reachable && Boolean.TRUE.equals(inRecovery);
  }

  /** How far this instance has WAL: received (if it streamed) or replayed, or its own position. */
  public long position() {
    long best = 0;
    for (Long lsn : new Long[] {receiveLsn, replayLsn, currentLsn}) {
      if (lsn != null && Long.compareUnsigned(lsn, best) > 0) {
        best = lsn;
      }
    }
    return best;
  }
}
