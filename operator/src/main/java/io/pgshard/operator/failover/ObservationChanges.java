package io.pgshard.operator.failover;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Tells a change that matters from probe noise. A shard is reconciled when what the failover policy
 * or the status acts on changes (an instance answering or not, its role, timeline, WAL receiver,
 * upstream, system identifier, parameters waiting for a restart, the size of its data filesystem,
 * or a failed probe of the primary), not when WAL positions merely advance: on a busy shard they
 * move on every probe.
 */
public final class ObservationChanges {

  private ObservationChanges() {}

  /** Whether {@code next} differs from {@code previous} in anything but WAL positions. */
  public static boolean meaningful(ObservedShard previous, ObservedShard next) {
    return previous == null
        || previous.primaryFailures() != next.primaryFailures()
        || !Objects.equals(previous.systemIdentifier(), next.systemIdentifier())
        || !shape(previous).equals(shape(next));
  }

  /** Whether any instance's WAL position (receive, replay or current) moved. */
  public static boolean positionsMoved(ObservedShard previous, ObservedShard next) {
    return !positions(previous).equals(positions(next));
  }

  private record Shape(
      String pod,
      boolean reachable,
      Boolean inRecovery,
      Long timeline,
      boolean streaming,
      String upstreamHost,
      String systemIdentifier,
      String rejoin,
      List<String> pendingRestart,
      Long filesystemBytes) {}

  private static List<Shape> shape(ObservedShard shard) {
    return shard.instances().stream()
        .map(
            i ->
                new Shape(
                    i.pod(),
                    i.reachable(),
                    i.inRecovery(),
                    i.timeline(),
                    i.streaming(),
                    i.upstreamHost(),
                    i.systemIdentifier(),
                    i.rejoin(),
                    i.pendingRestart(),
                    i.dataFilesystem() == null ? null : i.dataFilesystem().sizeBytes()))
        .sorted(Comparator.comparing(Shape::pod))
        .toList();
  }

  private record Position(String pod, Long receive, Long replay, Long current) {}

  private static List<Position> positions(ObservedShard shard) {
    return shard.instances().stream()
        .map(i -> new Position(i.pod(), i.receiveLsn(), i.replayLsn(), i.currentLsn()))
        .sorted(Comparator.comparing(Position::pod))
        .toList();
  }
}
