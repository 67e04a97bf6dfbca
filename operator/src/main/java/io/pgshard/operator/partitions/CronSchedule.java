package io.pgshard.operator.partitions;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week), in UTC. Fields
 * take {@code *}, numbers, ranges {@code a-b}, steps {@code * /n} and {@code a-b/n}, and lists; day
 * of week runs 0-7 with 0 and 7 both Sunday. As in cron, when both day fields are restricted a day
 * matching either one fires.
 */
public final class CronSchedule {

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean anyDay;
  private final boolean anyWeekday;

  private CronSchedule(String[] f) {
    minutes = field(f[0], 0, 59, "minute");
    hours = field(f[1], 0, 23, "hour");
    days = field(f[2], 1, 31, "day of month");
    months = field(f[3], 1, 12, "month");
    weekdays = field(f[4], 0, 7, "day of week");
    if (weekdays.get(7)) {
      weekdays.set(0);
    }
    anyDay = f[2].equals("*");
    anyWeekday = f[4].equals("*");
  }

  /**
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static CronSchedule parse(String expression) {
    String[] fields = expression.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "a schedule has 5 fields (minute hour day-of-month month day-of-week), not "
              + fields.length);
    }
    return new CronSchedule(fields);
  }

  /** The first minute strictly after {@code after} that matches. */
  public Instant next(Instant after) {
    LocalDateTime t =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    // every minute of a leap cycle is a bound no valid expression gets near (Feb 29 on a Monday)
    LocalDateTime limit = t.plusYears(29);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.plusMonths(1).withDayOfMonth(1).withHour(0).withMinute(0);
      } else if (!dayMatches(t)) {
        t = t.plusDays(1).withHour(0).withMinute(0);
      } else if (!hours.get(t.getHour())) {
        t = t.plusHours(1).withMinute(0);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t.toInstant(ZoneOffset.UTC);
      }
    }
    throw new IllegalArgumentException("the schedule never fires");
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean day = days.get(t.getDayOfMonth());
    boolean weekday = weekdays.get(t.getDayOfWeek().getValue() % 7);
    if (anyDay || anyWeekday) {
      return day && weekday;
    }
    return day || weekday;
  }

  private static BitSet field(String text, int min, int max, String name) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, name);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        from = number(range.substring(0, range.indexOf('-')), min, max, name);
        to = number(range.substring(range.indexOf('-') + 1), min, max, name);
        if (to < from) {
          throw new IllegalArgumentException(name + " range " + range + " runs backwards");
        }
      } else {
        from = number(range, min, max, name);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String text, int min, int max, String name) {
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " " + v + " is outside " + min + "-" + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " field has '" + text + "', not a number");
    }
  }
}
