package io.pgshard.e2e.bench;

import io.pgshard.e2e.controlplane.AuditLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's requests on the real control plane, from the API server's audit log (both
 * replicas: they authenticate as the chart's ServiceAccount). Leader election's own traffic (the
 * Lease, the access review) is left out: it never stops, and a converged operator is one that
 * writes nothing else.
 */
final class AuditTraffic extends Traffic {

  private final Path log;
  private final String user;
  private long offset;

  AuditTraffic(Path log, String user) {
    this.log = log;
    this.user = user;
  }

  /** Reads the lines appended since the last poll (a partial last line waits for the next). */
  @Override
  void poll() {
    List<AuditLog.Request> fresh = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      if (file.length() <= offset) {
        return;
      }
      file.seek(offset);
      byte[] bytes = new byte[(int) (file.length() - offset)];
      file.readFully(bytes);
      int end = lastNewline(bytes);
      if (end < 0) {
        return;
      }
      offset += end + 1;
      for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        AuditLog.parse(line, user).ifPresent(fresh::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (AuditLog.Request r : fresh) {
      if ("leases".equals(r.resource()) || "authorization.k8s.io".equals(r.group())) {
        continue;
      }
      // the request's own time, as a System.nanoTime() reading
      long ago = Duration.between(r.at(), Instant.now()).toNanos();
      record(r.isWrite(), System.nanoTime() - Math.max(0, ago));
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
