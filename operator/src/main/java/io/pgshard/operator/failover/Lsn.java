package io.pgshard.operator.failover;

/**
 * A WAL position. PostgreSQL prints it as two hex halves ({@code 16/B374D848}); as a number it is
 * (high << 32) + low, so differences are byte counts.
 */
public final class Lsn {

  private Lsn() {}

  public static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 1 || slash == text.length() - 1) {
      throw new IllegalArgumentException("not an LSN: " + text);
    }
    return (Long.parseUnsignedLong(text.substring(0, slash), 16) << 32)
        | Long.parseUnsignedLong(text.substring(slash + 1), 16);
  }

  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT)
        + "/"
        + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
  }
}
