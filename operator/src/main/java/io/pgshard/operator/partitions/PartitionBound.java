package io.pgshard.operator.partitions;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An existing partition as the catalog describes it: {@code pg_get_expr(relpartbound)} of a range
 * partition on a timestamp, timestamptz or date column, read in a session whose TimeZone is UTC. A
 * null {@code from} stands for MINVALUE, a null {@code to} for MAXVALUE.
 */
public record PartitionBound(String name, boolean isDefault, LocalDateTime from, LocalDateTime to) {

  private static final Pattern RANGE =
      Pattern.compile("FOR VALUES FROM \\((.+)\\) TO \\((.+)\\)", Pattern.CASE_INSENSITIVE);

  public static PartitionBound defaultPartition(String name) {
    return new PartitionBound(name, true, null, null);
  }

  public static PartitionBound range(String name, LocalDateTime from, LocalDateTime to) {
    return new PartitionBound(name, false, from, to);
  }

  /**
   * Parses a bound expression; empty when it is not a single-column range over time (the planner
   * reports such a table instead of guessing).
   */
  public static Optional<PartitionBound> parse(String name, String expression) {
    String e = expression.trim();
    if (e.equalsIgnoreCase("DEFAULT")) {
      return Optional.of(defaultPartition(name));
    }
    Matcher m = RANGE.matcher(e);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(range(name, value(m.group(1)), value(m.group(2))));
    } catch (DateTimeParseException | IllegalArgumentException ex) {
      return Optional.empty();
    }
  }

  /** {@code '2026-01-01'}, {@code '2026-01-01 00:00:00'}, {@code '2026-01-01 00:00:00+00'}. */
  private static LocalDateTime value(String literal) {
    String v = literal.trim();
    if (v.equalsIgnoreCase("MINVALUE") || v.equalsIgnoreCase("MAXVALUE")) {
      return null;
    }
    if (v.contains(",")) {
      throw new IllegalArgumentException("multi-column bound " + v);
    }
    if (!v.startsWith("'") || !v.endsWith("'")) {
      throw new IllegalArgumentException("not a literal: " + v);
    }
    String text = v.substring(1, v.length() - 1);
    if (text.length() == 10) {
      return LocalDate.parse(text).atStartOfDay();
    }
    String withoutZone = text.replaceFirst("([+-]00(:00)?)$", "");
    if (withoutZone.length() == text.length() && text.matches(".*[+-]\\d\\d(:\\d\\d)?$")) {
      throw new IllegalArgumentException("bound not in UTC: " + text);
    }
    return LocalDateTime.parse(withoutZone.replace(' ', 'T'));
  }

  /** Whether this range and [{@code start}, {@code end}) share a point in time. */
  boolean overlaps(LocalDateTime start, LocalDateTime end) {
    if (isDefault) {
      return false;
    }
    boolean startsBeforeEnd = from == null || from.isBefore(end);
    boolean endsAfterStart = to == null || to.isAfter(start);
    return startsBeforeEnd && endsAfterStart;
  }

  boolean covers(LocalDateTime start, LocalDateTime end) {
    return !isDefault && start.equals(from) && end.equals(to);
  }
}
