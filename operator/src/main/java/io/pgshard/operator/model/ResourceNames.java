package io.pgshard.operator.model;

/**
 * Every Kubernetes name pgshard creates. Nothing else formats a resource name.
 *
 * <p>A cluster name is at most {@link #MAX_CLUSTER_NAME_LENGTH} characters: the longest derived
 * name a label must carry is a StatefulSet pod's {@code controller-revision-hash} value, {@code
 * <cluster>-shard-255-<10 char hash>}, and label values stop at 63 characters.
 */
public final class ResourceNames {

  public static final int MAX_CLUSTER_NAME_LENGTH = 40;

  private ResourceNames() {}

  public static String shard(String cluster, int index) {
    return cluster + "-shard-" + index;
  }

  /** The StatefulSet of a shard's PostgreSQL instances carries the shard's name. */
  public static String statefulSet(String shard) {
    return shard;
  }

  public static String pod(String shard, int ordinal) {
    return statefulSet(shard) + "-" + ordinal;
  }

  /** Ordinal of a StatefulSet pod, or -1 when the name is not one of the shard's pods. */
  public static int ordinalOf(String shard, String podName) {
    String prefix = statefulSet(shard) + "-";
    if (!podName.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static String podsService(String shard) {
    return shard + "-pods";
  }

  public static String primaryService(String shard) {
    return shard + "-rw";
  }

  public static String replicaService(String shard) {
    return shard + "-ro";
  }

  public static String configMap(String shard) {
    return shard + "-config";
  }

  public static String stateConfigMap(String shard) {
    return shard + "-state";
  }

  public static String podDisruptionBudget(String shard) {
    return shard;
  }

  /** Deployment, Service and ConfigMap of a shard's PgBouncer share this name. */
  public static String pooler(String shard) {
    return shard + "-pooler";
  }

  /** The Secret of the PgBouncer admin console's user (not a PostgreSQL role). */
  public static String poolerAdminSecret(String cluster) {
    return cluster + "-pooler-admin";
  }

  public static String superuserSecret(String cluster) {
    return cluster + "-superuser";
  }

  public static String replicationSecret(String cluster) {
    return cluster + "-replication";
  }

  public static String appSecret(String cluster) {
    return cluster + "-app";
  }

  public static String shardMap(String cluster) {
    return cluster + "-shard-map";
  }

  /** The volume claim template of the StatefulSet; claims are {@code data-<pod>}. */
  public static final String DATA_VOLUME = "data";

  /** In-cluster DNS name of a Service. */
  public static String serviceHost(String service, String namespace) {
    return service + "." + namespace + ".svc";
  }
}
