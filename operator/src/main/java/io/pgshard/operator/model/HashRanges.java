package io.pgshard.operator.model;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * The sharding function. A key's 64-bit hash space is split into N contiguous ranges; shard i owns
 * {@code [i * 2^64 / N, (i + 1) * 2^64 / N)}. The hash is the first 8 bytes of SHA-256 of the key's
 * UTF-8 bytes, read as an unsigned big-endian integer: every language has SHA-256 in its standard
 * library, so clients route exactly as the shard map says.
 */
public final class HashRanges {

  public static final String HASH_FUNCTION = "sha256-first-8-bytes-unsigned-big-endian";
  public static final String HASH_FUNCTION_DESCRIPTION =
      "hash(key) = first 8 bytes of SHA-256(UTF-8 bytes of key) as an unsigned big-endian 64-bit"
          + " integer; shard i of N owns hashes in [start, end), bounds as hex,"
          + " start = floor(i * 2^64 / N), end = floor((i + 1) * 2^64 / N)";

  private static final BigInteger SPACE = BigInteger.ONE.shiftLeft(64);

  private HashRanges() {}

  /** A half-open range of 64-bit hashes, bounds as lowercase hex (16 digits; 2^64 has 17). */
  public record Range(BigInteger start, BigInteger end) {
    public String startHex() {
      return hex(start);
    }

    public String endHex() {
      return hex(end);
    }

    public List<String> asList() {
      return List.of(startHex(), endHex());
    }

    public boolean contains(BigInteger hash) {
      return hash.compareTo(start) >= 0 && hash.compareTo(end) < 0;
    }
  }

  public static Range rangeOf(int index, int shardCount) {
    if (shardCount < 1 || index < 0 || index >= shardCount) {
      throw new IllegalArgumentException("shard " + index + " of " + shardCount);
    }
    BigInteger n = BigInteger.valueOf(shardCount);
    return new Range(
        SPACE.multiply(BigInteger.valueOf(index)).divide(n),
        SPACE.multiply(BigInteger.valueOf(index + 1L)).divide(n));
  }

  public static BigInteger hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      byte[] first8 = new byte[9]; // leading zero byte keeps the BigInteger unsigned
      System.arraycopy(digest, 0, first8, 1, 8);
      return new BigInteger(first8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }

  /** The shard a key routes to. */
  public static int shardFor(String key, int shardCount) {
    BigInteger h = hash(key);
    for (int i = 0; i < shardCount; i++) {
      if (rangeOf(i, shardCount).contains(h)) {
        return i;
      }
    }
    throw new IllegalStateException("ranges cover the whole hash space");
  }

  static String hex(BigInteger value) {
    String digits = value.toString(16).toLowerCase(Locale.ROOT);
    return digits.length() >= 16 ? digits : "0".repeat(16 - digits.length()) + digits;
  }
}
