package io.pgshard.operator.reconciler;

import org.slf4j.MDC;

/** Puts cluster and shard into the logging MDC for the duration of a reconcile. */
final class LogContext implements AutoCloseable {

  static final String CLUSTER = "cluster";
  static final String SHARD = "shard";

  private LogContext(String cluster, String shard) {
    MDC.put(CLUSTER, cluster);
    if (shard != null) {
      MDC.put(SHARD, shard);
    }
  }

  static LogContext cluster(String cluster) {
    return new LogContext(cluster, null);
  }

  static LogContext shard(String cluster, String shard) {
    return new LogContext(cluster, shard);
  }

  @Override
  public void close() {
    MDC.remove(CLUSTER);
    MDC.remove(SHARD);
  }
}
