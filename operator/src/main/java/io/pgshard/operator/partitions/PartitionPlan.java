package io.pgshard.operator.partitions;

import java.time.LocalDateTime;
import java.util.List;

/**
 * What maintenance of one table does: partitions to create (oldest first), partitions to retire,
 * and the ranges it leaves alone because an existing partition overlaps them.
 */
public record PartitionPlan(
    List<Range> create, List<PartitionBound> retire, List<String> overlaps) {

  /** A partition to create: [from, to) in UTC. */
  public record Range(String name, LocalDateTime from, LocalDateTime to) {}

  public PartitionPlan {
    create = List.copyOf(create);
    retire = List.copyOf(retire);
    overlaps = List.copyOf(overlaps);
  }

  public boolean isEmpty() {
    return create.isEmpty() && retire.isEmpty();
  }
}
