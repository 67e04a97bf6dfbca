package io.pgshard.operator.maintenance;

import io.pgshard.operator.api.v1alpha1.PartitionSpec;
import io.pgshard.operator.api.v1alpha1.RetentionPolicy;
import io.pgshard.operator.partitions.PartitionBound;
import io.pgshard.operator.partitions.PartitionPlan;
import io.pgshard.operator.partitions.PartitionPlanner;
import io.pgshard.operator.sql.PartitionStatements;
import io.pgshard.operator.sql.PartitionStatements.Child;
import io.pgshard.operator.sql.PartitionStatements.Parent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs partition maintenance of one table on a shard's primary: checks the parent, plans with
 * {@link PartitionPlanner}, then creates (and retires, unless that can happen concurrently) in one
 * transaction. Rows a DEFAULT partition holds inside a range being created move into the new
 * partition in that transaction. Every statement waits at most {@code lockTimeout} for a lock: a
 * busy table is left for the next run, and the result says so.
 */
public final class PartitionMaintainer {

  private static final Set<String> TIME_TYPES =
      Set.of("timestamp without time zone", "timestamp with time zone", "date");

  private final Duration lockTimeout;

  public PartitionMaintainer(Duration lockTimeout) {
    this.lockTimeout = lockTimeout;
  }

  /** Maintains {@code spec}'s table on the database {@code db} is connected to. */
  public PartitionResult maintain(Connection db, PartitionSpec spec, Instant now) {
    String schema = PartitionPlanner.schema(spec.getTable());
    String table = PartitionPlanner.relation(spec.getTable());
    try {
      db.setAutoCommit(true);
      PartitionStatements.prepareSession(db, lockTimeout.toMillis());
      Optional<PartitionResult> problem = check(db, spec, schema, table);
      if (problem.isPresent()) {
        return problem.get();
      }
      for (Child child : PartitionStatements.children(db, schema, table)) {
        if (child.detachPending()) {
          PartitionStatements.finalizeDetach(db, schema, table, child.name());
        }
      }
      Catalog before = catalog(db, schema, table);
      PartitionPlan plan =
          PartitionPlanner.plan(
              spec.getTable(),
              spec.getInterval(),
              spec.getPremake(),
              spec.getRetention(),
              now,
              before.bounds());
      List<String> concurrently = new ArrayList<>();
      long moved = apply(db, spec, schema, table, plan, before, concurrently);
      for (String name : concurrently) {
        PartitionStatements.detachConcurrently(db, schema, table, name);
      }
      Catalog after = catalog(db, schema, table);
      List<String> notes = new ArrayList<>(plan.overlaps());
      notes.addAll(after.unreadable());
      return PartitionResult.done(
          spec.getTable(),
          plan.create().stream().map(PartitionPlan.Range::name).toList(),
          plan.retire().stream().map(PartitionBound::name).toList(),
          moved,
          notes,
          after.oldest(),
          after.newest(),
          after.ranges());
    } catch (SQLException e) {
      rollbackQuietly(db);
      if (PartitionStatements.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        return PartitionResult.failed(
            spec.getTable(),
            PartitionResult.LOCK_TIMEOUT,
            "waited "
                + lockTimeout.toMillis()
                + " ms for a lock on "
                + spec.getTable()
                + " (a long transaction holds it); nothing changed, the next run retries");
      }
      return PartitionResult.failed(
          spec.getTable(), PartitionResult.MAINTENANCE_FAILED, String.valueOf(e.getMessage()));
    }
  }

  private static Optional<PartitionResult> check(
      Connection db, PartitionSpec spec, String schema, String table) throws SQLException {
    Optional<Parent> found = PartitionStatements.parent(db, schema, table, spec.getColumn());
    String name = spec.getTable();
    if (found.isEmpty()) {
      return Optional.of(
          PartitionResult.failed(
              name, PartitionResult.TABLE_NOT_FOUND, "table " + name + " does not exist"));
    }
    Parent parent = found.get();
    if (!"p".equals(parent.relkind()) || !"r".equals(parent.strategy())) {
      return Optional.of(
          PartitionResult.failed(
              name,
              PartitionResult.NOT_RANGE_PARTITIONED,
              "table " + name + " is not PARTITION BY RANGE"));
    }
    if (!parent.keyColumns().equals(List.of(spec.getColumn()))) {
      return Optional.of(
          PartitionResult.failed(
              name,
              PartitionResult.COLUMN_MISMATCH,
              "table "
                  + name
                  + " is partitioned by ("
                  + String.join(", ", parent.keyColumns())
                  + "), not ("
                  + spec.getColumn()
                  + ")"));
    }
    if (!TIME_TYPES.contains(parent.columnType())) {
      return Optional.of(
          PartitionResult.failed(
              name,
              PartitionResult.COLUMN_MISMATCH,
              "column "
                  + spec.getColumn()
                  + " of "
                  + name
                  + " is "
                  + parent.columnType()
                  + "; partitions need timestamp, timestamptz or date"));
    }
    return Optional.empty();
  }

  /**
   * The creating transaction. With a DEFAULT partition, it is detached first when it holds rows of
   * a new range (the new partition could not be created over them), the rows move, and it is
   * attached again: a reader sees either the old or the new layout, never a row missing.
   */
  private static long apply(
      Connection db,
      PartitionSpec spec,
      String schema,
      String table,
      PartitionPlan plan,
      Catalog before,
      List<String> concurrently)
      throws SQLException {
    if (plan.isEmpty()) {
      return 0;
    }
    db.setAutoCommit(false);
    long moved = 0;
    Optional<String> defaultPartition = before.defaultPartition();
    boolean detachedDefault = false;
    if (defaultPartition.isPresent()) {
      for (PartitionPlan.Range r : plan.create()) {
        if (PartitionStatements.count(
                db, schema, defaultPartition.get(), spec.getColumn(), r.from(), r.to())
            > 0) {
          PartitionStatements.detach(db, schema, table, defaultPartition.get());
          detachedDefault = true;
          break;
        }
      }
    }
    for (PartitionPlan.Range r : plan.create()) {
      PartitionStatements.create(db, schema, table, r.name(), r.from(), r.to());
      if (detachedDefault) {
        moved +=
            PartitionStatements.move(
                db,
                schema,
                table,
                defaultPartition.get(),
                r.name(),
                spec.getColumn(),
                r.from(),
                r.to());
      }
    }
    if (detachedDefault) {
      PartitionStatements.attachDefault(db, schema, table, defaultPartition.get());
    }
    for (PartitionBound old : plan.retire()) {
      if (spec.getRetentionPolicy() == RetentionPolicy.DROP) {
        PartitionStatements.drop(db, schema, old.name());
      } else if (defaultPartition.isPresent()) {
        // DETACH ... CONCURRENTLY is not allowed while a default partition exists
        PartitionStatements.detach(db, schema, table, old.name());
      } else {
        concurrently.add(old.name());
      }
    }
    db.commit();
    db.setAutoCommit(true);
    return moved;
  }

  /** The table's partitions as the planner and the status need them. */
  private record Catalog(List<PartitionBound> bounds, List<String> unreadable) {

    Optional<String> defaultPartition() {
      return bounds.stream()
          .filter(PartitionBound::isDefault)
          .map(PartitionBound::name)
          .findFirst();
    }

    List<PartitionBound> ranged() {
      return bounds.stream()
          .filter(b -> !b.isDefault() && b.from() != null)
          .sorted(Comparator.comparing(PartitionBound::from))
          .toList();
    }

    String oldest() {
      return ranged().isEmpty() ? null : ranged().get(0).name();
    }

    String newest() {
      return ranged().isEmpty() ? null : ranged().get(ranged().size() - 1).name();
    }

    int ranges() {
      return (int) bounds.stream().filter(b -> !b.isDefault()).count();
    }
  }

  private static Catalog catalog(Connection db, String schema, String table) throws SQLException {
    List<PartitionBound> bounds = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Child child : PartitionStatements.children(db, schema, table)) {
      Optional<PartitionBound> bound = PartitionBound.parse(child.name(), child.bound());
      if (bound.isPresent()) {
        bounds.add(bound.get());
      } else {
        unreadable.add(
            "partition " + child.name() + " has a bound pgshard cannot read: " + child.bound());
      }
    }
    return new Catalog(bounds, unreadable);
  }

  private static void rollbackQuietly(Connection db) {
    try {
      if (!db.getAutoCommit()) {
        db.rollback();
        db.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // the connection is closed by the caller either way
    }
  }
}
