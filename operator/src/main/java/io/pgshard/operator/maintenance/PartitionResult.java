package io.pgshard.operator.maintenance;

import java.util.List;

/**
 * What one maintenance run did to one table: partitions created and retired, rows moved out of the
 * DEFAULT partition, ranges left alone (overlaps, unreadable bounds), the oldest and newest range
 * partitions afterwards; or, when it could not run, a reason and a message.
 *
 * @param reason null when it ran; else {@link #TABLE_NOT_FOUND}, {@link #NOT_RANGE_PARTITIONED},
 *     {@link #COLUMN_MISMATCH}, {@link #LOCK_TIMEOUT} or {@link #MAINTENANCE_FAILED}
 */
public record PartitionResult(
    String table,
    List<String> created,
    List<String> retired,
    long movedRows,
    List<String> notes,
    String oldest,
    String newest,
    int partitions,
    String reason,
    String error) {

  public static final String TABLE_NOT_FOUND = "TableNotFound";
  public static final String NOT_RANGE_PARTITIONED = "NotRangePartitioned";
  public static final String COLUMN_MISMATCH = "ColumnMismatch";
  public static final String LOCK_TIMEOUT = "LockTimeout";
  public static final String MAINTENANCE_FAILED = "MaintenanceFailed";

  public PartitionResult {
    created = List.copyOf(created);
    retired = List.copyOf(retired);
    notes = List.copyOf(notes);
  }

  static PartitionResult done(
      String table,
      List<String> created,
      List<String> retired,
      long movedRows,
      List<String> notes,
      String oldest,
      String newest,
      int partitions) {
    return new PartitionResult(
        table, created, retired, movedRows, notes, oldest, newest, partitions, null, null);
  }

  public static PartitionResult failed(String table, String reason, String error) {
    return new PartitionResult(
        table, List.of(), List.of(), 0, List.of(), null, null, 0, reason, error);
  }

  public boolean failed() {
    return reason != null;
  }

  public boolean changed() {
    return !created.isEmpty() || !retired.isEmpty();
  }
}
