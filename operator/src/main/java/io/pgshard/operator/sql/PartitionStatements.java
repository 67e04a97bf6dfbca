package io.pgshard.operator.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Catalog reads and DDL of partition maintenance. Names come from the spec (checked by the CRD
 * pattern) and are quoted as identifiers all the same; bounds are the planner's own dates; the
 * values compared with rows are bind parameters.
 */
public final class PartitionStatements {

  /** A PostgreSQL error code: a lock could not be taken within lock_timeout. */
  public static final String LOCK_NOT_AVAILABLE = "55P03";

  private PartitionStatements() {}

  /**
   * A table as the catalog describes it.
   *
   * @param relkind {@code p} for a partitioned table
   * @param strategy {@code r} for range, null when not partitioned
   * @param keyColumns the partition key's columns ({@code (expression)} for an expression)
   * @param columnType the type of the configured column, null when the table has no such column
   */
  public record Parent(
      String relkind, String strategy, List<String> keyColumns, String columnType) {}

  /** A partition: its name, bound expression and whether a concurrent detach is unfinished. */
  public record Child(String name, String bound, boolean detachPending) {}

  private static final String PARENT =
      """
      SELECT c.relkind::text, pt.partstrat::text,
             (SELECT string_agg(coalesce(a.attname::text, '(expression)'), ',' ORDER BY k.ord)
                FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k(attnum, ord)
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum),
             format_type(col.atttypid, col.atttypmod)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
        LEFT JOIN pg_attribute col
          ON col.attrelid = c.oid AND col.attname = ? AND col.attnum > 0 AND NOT col.attisdropped
       WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
      """;

  private static final String CHILDREN =
      """
      SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid), i.inhdetachpending
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = ?::regclass
      """;

  private static final String COLUMNS =
      """
      SELECT a.attname::text
        FROM pg_attribute a
       WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attgenerated = ''
       ORDER BY a.attnum
      """;

  /** Session settings for maintenance: bounds are UTC, and no lock is waited for long. */
  public static void prepareSession(Connection db, long lockTimeoutMillis) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("SET lock_timeout = " + lockTimeoutMillis);
    }
  }

  public static Optional<Parent> parent(Connection db, String schema, String table, String column)
      throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(PARENT)) {
      ps.setString(1, column);
      ps.setString(2, schema);
      ps.setString(3, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String keys = rs.getString(3);
        return Optional.of(
            new Parent(
                rs.getString(1),
                rs.getString(2),
                keys == null ? List.of() : Arrays.asList(keys.split(",")),
                rs.getString(4)));
      }
    }
  }

  public static List<Child> children(Connection db, String schema, String table)
      throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(CHILDREN)) {
      ps.setString(1, qualified(schema, table));
      try (ResultSet rs = ps.executeQuery()) {
        List<Child> children = new ArrayList<>();
        while (rs.next()) {
          children.add(new Child(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        }
        return children;
      }
    }
  }

  public static void create(
      Connection db, String schema, String table, String name, LocalDateTime from, LocalDateTime to)
      throws SQLException {
    execute(
        db,
        "CREATE TABLE "
            + qualified(schema, name)
            + " PARTITION OF "
            + qualified(schema, table)
            + " FOR VALUES FROM ("
            + literal(from)
            + ") TO ("
            + literal(to)
            + ")");
  }

  /** Rows of partition {@code name} with {@code column} in [from, to). */
  public static long count(
      Connection db,
      String schema,
      String name,
      String column,
      LocalDateTime from,
      LocalDateTime to)
      throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT count(*) FROM "
                + qualified(schema, name)
                + " WHERE "
                + ident(column)
                + " >= ? AND "
                + ident(column)
                + " < ?")) {
      bindRange(ps, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Moves the rows of {@code source} with {@code column} in [from, to) into {@code target} (both
   * partitions of {@code parent}, so they share its columns); returns how many moved. Generated
   * columns are computed again; identity values are kept.
   */
  public static long move(
      Connection db,
      String schema,
      String parent,
      String source,
      String target,
      String column,
      LocalDateTime from,
      LocalDateTime to)
      throws SQLException {
    String columns =
        String.join(
            ", ", columns(db, schema, parent).stream().map(PartitionStatements::ident).toList());
    String where = " WHERE " + ident(column) + " >= ? AND " + ident(column) + " < ?";
    long inserted;
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO "
                + qualified(schema, target)
                + " ("
                + columns
                + ") OVERRIDING SYSTEM VALUE SELECT "
                + columns
                + " FROM "
                + qualified(schema, source)
                + where)) {
      bindRange(ps, from, to);
      inserted = ps.executeUpdate();
    }
    long deleted;
    try (PreparedStatement ps =
        db.prepareStatement("DELETE FROM " + qualified(schema, source) + where)) {
      bindRange(ps, from, to);
      deleted = ps.executeUpdate();
    }
    if (inserted != deleted) {
      throw new SQLException(
          "moving rows from "
              + source
              + " to "
              + target
              + ": copied "
              + inserted
              + " but removed "
              + deleted);
    }
    return inserted;
  }

  public static void detach(Connection db, String schema, String table, String name)
      throws SQLException {
    execute(db, alter(schema, table) + " DETACH PARTITION " + qualified(schema, name));
  }

  /** DETACH ... CONCURRENTLY: outside a transaction block; the parent stays usable meanwhile. */
  public static void detachConcurrently(Connection db, String schema, String table, String name)
      throws SQLException {
    execute(
        db,
        alter(schema, table) + " DETACH PARTITION " + qualified(schema, name) + " CONCURRENTLY");
  }

  /** Completes a concurrent detach that was interrupted. */
  public static void finalizeDetach(Connection db, String schema, String table, String name)
      throws SQLException {
    execute(
        db, alter(schema, table) + " DETACH PARTITION " + qualified(schema, name) + " FINALIZE");
  }

  public static void attachDefault(Connection db, String schema, String table, String name)
      throws SQLException {
    execute(db, alter(schema, table) + " ATTACH PARTITION " + qualified(schema, name) + " DEFAULT");
  }

  public static void drop(Connection db, String schema, String name) throws SQLException {
    execute(db, "DROP TABLE " + qualified(schema, name));
  }

  private static List<String> columns(Connection db, String schema, String table)
      throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(COLUMNS)) {
      ps.setString(1, qualified(schema, table));
      try (ResultSet rs = ps.executeQuery()) {
        List<String> columns = new ArrayList<>();
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
        return columns;
      }
    }
  }

  private static String alter(String schema, String table) {
    return "ALTER TABLE " + qualified(schema, table);
  }

  private static void execute(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(sql);
    }
  }

  /** Bounds as untyped literals: the server reads them as the column's type, in UTC. */
  private static void bindRange(PreparedStatement ps, LocalDateTime from, LocalDateTime to)
      throws SQLException {
    ps.setObject(1, text(from), Types.OTHER);
    ps.setObject(2, text(to), Types.OTHER);
  }

  /** The planner's bounds are whole days: a date literal reads the same as date and timestamps. */
  static String text(LocalDateTime t) {
    return t.toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
        ? t.toLocalDate().toString()
        : t.toLocalDate() + " " + t.toLocalTime();
  }

  private static String literal(LocalDateTime t) {
    return "'" + text(t) + "'";
  }

  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }

  public static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
