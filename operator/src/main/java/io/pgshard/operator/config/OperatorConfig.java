package io.pgshard.operator.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's configuration, read once from environment variables (names in {@link #ENV}).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param logLevel root log level (TRACE, DEBUG, INFO, WARN, ERROR)
 * @param leaderElection whether to take a Lease before reconciling (for 2+ replicas)
 * @param exitOnLostLease exit the process when the Lease is lost (a restarted pod rejoins as a
 *     follower, so two replicas never act at once); off only when the operator is embedded
 * @param leaseName name of the Lease
 * @param leaseNamespace namespace of the Lease; null means the client's namespace
 * @param identity this replica's identity in the Lease (the pod name)
 * @param httpPort port of /healthz, /readyz and /metrics
 * @param reconcileThreads concurrent reconciles
 * @param useServerSideApply server-side apply for dependents and status (off only for API servers
 *     without it, such as the fabric8 mock)
 * @param defaultProbeInterval how often instances are probed when a shard does not say
 * @param instanceMonitor connect to PostgreSQL to probe instances and promote them (failover); off,
 *     the operator manages only Kubernetes objects (for API-only environments)
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String logLevel,
    boolean leaderElection,
    boolean exitOnLostLease,
    String leaseName,
    String leaseNamespace,
    String identity,
    int httpPort,
    int reconcileThreads,
    boolean useServerSideApply,
    Duration defaultProbeInterval,
    boolean instanceMonitor) {

  /** The environment variables read, and their defaults. */
  public static final Map<String, String> ENV =
      Map.ofEntries(
          Map.entry("PGSHARD_WATCH_NAMESPACES", ""),
          Map.entry("PGSHARD_LOG_LEVEL", "INFO"),
          Map.entry("PGSHARD_LEADER_ELECTION", "true"),
          Map.entry("PGSHARD_EXIT_ON_LOST_LEASE", "true"),
          Map.entry("PGSHARD_LEASE_NAME", "pgshard-operator-lease"),
          Map.entry("PGSHARD_LEASE_NAMESPACE", ""),
          Map.entry("POD_NAME", ""),
          Map.entry("PGSHARD_HTTP_PORT", "8080"),
          Map.entry("PGSHARD_RECONCILE_THREADS", "10"),
          Map.entry("PGSHARD_SERVER_SIDE_APPLY", "true"),
          Map.entry("PGSHARD_DEFAULT_PROBE_INTERVAL_MS", "1000"),
          Map.entry("PGSHARD_INSTANCE_MONITOR", "true"));

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return new OperatorConfig(
        Arrays.stream(get(env, "PGSHARD_WATCH_NAMESPACES").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()),
        get(env, "PGSHARD_LOG_LEVEL").toUpperCase(java.util.Locale.ROOT),
        bool(env, "PGSHARD_LEADER_ELECTION"),
        bool(env, "PGSHARD_EXIT_ON_LOST_LEASE"),
        get(env, "PGSHARD_LEASE_NAME"),
        emptyToNull(get(env, "PGSHARD_LEASE_NAMESPACE")),
        emptyToNull(get(env, "POD_NAME")),
        integer(env, "PGSHARD_HTTP_PORT"),
        integer(env, "PGSHARD_RECONCILE_THREADS"),
        bool(env, "PGSHARD_SERVER_SIDE_APPLY"),
        Duration.ofMillis(integer(env, "PGSHARD_DEFAULT_PROBE_INTERVAL_MS")),
        bool(env, "PGSHARD_INSTANCE_MONITOR"));
  }

  private static String get(Map<String, String> env, String key) {
    String value = env.get(key);
    return value == null ? ENV.get(key) : value.trim();
  }

  private static boolean bool(Map<String, String> env, String key) {
    String value = get(env, key);
    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(key + " must be true or false, is '" + value + "'");
    }
    return Boolean.parseBoolean(value);
  }

  private static int integer(Map<String, String> env, String key) {
    try {
      return Integer.parseInt(get(env, key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer, is '" + get(env, key) + "'", e);
    }
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
