package io.pgshard.e2e.bench;

import java.util.List;
import java.util.Locale;

/** Min, median and max of a benchmark's measurements, as the tables print them. */
final class Stats {

  private Stats() {}

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * One table row: the name padded to {@code nameWidth}, then min, median and max, each in a column
   * of {@code cellWidth} with {@code decimals} decimals.
   */
  static String row(String name, int nameWidth, int cellWidth, int decimals, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    String cell = "%-" + cellWidth + "." + decimals + "f";
    return String.format(
        Locale.ROOT,
        "%-" + nameWidth + "s " + cell + " " + cell + " " + cell + "%n",
        name,
        sorted.get(0),
        median(sorted),
        sorted.get(sorted.size() - 1));
  }
}
