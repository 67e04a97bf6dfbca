package io.pgshard.operator.failover;

import java.util.Optional;

/**
 * The size of the filesystem that holds an instance's data directory, as the instance's container
 * sees it: what PostgreSQL can actually fill, unlike the claim's capacity, which a volume reaches
 * before its filesystem is grown.
 *
 * @param sizeBytes the filesystem's size
 * @param availableBytes what is left for PostgreSQL to write
 */
public record DataFilesystem(long sizeBytes, long availableBytes) {

  /**
   * Reads {@code df -kP} output (a header line, then name, 1024-blocks, used, available, capacity
   * and mount point). Fields are taken to the left of the capacity's {@code %}, so a name or mount
   * point with spaces still parses; anything else is empty.
   */
  public static Optional<DataFilesystem> parseDf(String output) {
    if (output == null) {
      return Optional.empty();
    }
    String[] lines = output.strip().split("\n");
    if (lines.length < 2) {
      return Optional.empty();
    }
    String[] fields = lines[lines.length - 1].trim().split("\\s+");
    for (int i = 3; i < fields.length; i++) {
      if (fields[i].matches("\\d+%")) {
        try {
          long blocks = Long.parseLong(fields[i - 3]);
          long available = Long.parseLong(fields[i - 1]);
          return Optional.of(new DataFilesystem(blocks * 1024, available * 1024));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
