package io.pgshard.operator.partitions;

import io.pgshard.operator.api.v1alpha1.PartitionInterval;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans partition maintenance of one table from the clock and the partitions that exist. Pure: the
 * maintainer reads the catalog and runs the plan.
 *
 * <ul>
 *   <li>the current interval (UTC) and {@code premake} after it must exist; a range that an
 *       existing partition covers exactly is there whatever its name, a range that one overlaps
 *       otherwise is reported and left alone;
 *   <li>with {@code retention} above 0, partitions the operator named whose whole range ends before
 *       the start of the interval {@code retention} intervals back are retired; partitions named
 *       otherwise are never retired (they are someone else's);
 *   <li>names: {@code <table>_pYYYYMM} monthly, {@code _pYYYYMMDD} daily and weekly (the Monday),
 *       {@code _pYYYY} yearly.
 * </ul>
 */
public final class PartitionPlanner {

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
  static final int MAX_IDENTIFIER_BYTES = 63;

  private PartitionPlanner() {}

  public static PartitionPlan plan(
      String table,
      PartitionInterval interval,
      int premake,
      int retention,
      Instant now,
      List<PartitionBound> existing) {
    String base = relation(table);
    LocalDateTime current = start(interval, LocalDateTime.ofInstant(now, ZoneOffset.UTC));

    List<PartitionPlan.Range> create = new ArrayList<>();
    List<String> overlaps = new ArrayList<>();
    for (int k = 0; k <= premake; k++) {
      LocalDateTime from = plus(interval, current, k);
      LocalDateTime to = plus(interval, current, k + 1);
      if (existing.stream().anyMatch(p -> p.covers(from, to))) {
        continue;
      }
      List<String> overlapping =
          existing.stream().filter(p -> p.overlaps(from, to)).map(PartitionBound::name).toList();
      String name = name(base, interval, from);
      if (!overlapping.isEmpty()) {
        overlaps.add(
            name + " [" + from + ", " + to + ") overlaps existing partition(s) " + overlapping);
      } else {
        create.add(new PartitionPlan.Range(name, from, to));
      }
    }

    List<PartitionBound> retire = new ArrayList<>();
    if (retention > 0) {
      LocalDateTime keepFrom = plus(interval, current, -retention);
      for (PartitionBound p : existing) {
        if (!p.isDefault()
            && p.to() != null
            && !p.to().isAfter(keepFrom)
            && p.from() != null
            && p.name().equals(name(base, interval, p.from()))) {
          retire.add(p);
        }
      }
    }
    return new PartitionPlan(create, retire, overlaps);
  }

  /** The partition name for the interval starting at {@code from}. */
  public static String name(String baseTable, PartitionInterval interval, LocalDateTime from) {
    String suffix =
        switch (interval) {
          case YEARLY -> DateTimeFormatter.ofPattern("yyyy").format(from);
          case MONTHLY -> DateTimeFormatter.ofPattern("yyyyMM").format(from);
          case WEEKLY, DAILY -> DateTimeFormatter.ofPattern("yyyyMMdd").format(from);
        };
    return baseTable + "_p" + suffix;
  }

  /** Whether a table's partition names fit PostgreSQL's identifier limit. */
  public static boolean nameFits(String table) {
    String base = relation(table);
    return (base + "_p20000101").getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES;
  }

  /** The table's name without its schema ({@code public.events} is {@code events}). */
  public static String relation(String table) {
    return table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
  }

  /** The table's schema; {@code public} when the name has none. */
  public static String schema(String table) {
    return table.contains(".") ? table.substring(0, table.indexOf('.')) : "public";
  }

  static LocalDateTime start(PartitionInterval interval, LocalDateTime t) {
    LocalDateTime day = t.toLocalDate().atStartOfDay();
    return switch (interval) {
      case DAILY -> day;
      case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTHLY -> day.withDayOfMonth(1);
      case YEARLY -> day.withDayOfYear(1);
    };
  }

  static LocalDateTime plus(PartitionInterval interval, LocalDateTime start, long n) {
    return switch (interval) {
      case DAILY -> start.plusDays(n);
      case WEEKLY -> start.plusWeeks(n);
      case MONTHLY -> start.plusMonths(n);
      case YEARLY -> start.plusYears(n);
    };
  }
}
