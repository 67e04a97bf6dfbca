package io.pgshard.operator.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every label pgshard sets or selects on. Only the operator sets {@link #ROLE} on pods. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String CLUSTER = "pgshard.io/cluster";
  public static final String SHARD = "pgshard.io/shard";
  public static final String ROLE = "pgshard.io/role";

  public static final String APP_NAME = "pgshard";
  public static final String OPERATOR = "pgshard-operator";

  /**
   * Annotation on a PostgresShard asking for a planned switchover to the pod it names. The operator
   * removes it once it has acted (see the SwitchoverCompleted condition for the outcome).
   */
  public static final String SWITCHOVER_TO = "pgshard.io/switchover-to";

  /**
   * Annotation on a ShardedCluster asking for a cross-shard restore point of the name it holds. The
   * user owns it (a GitOps tool keeps it): the operator writes each name once and records it in
   * status.backup.
   */
  public static final String RESTORE_POINT = "pgshard.io/restore-point";

  /**
   * Annotation on a ShardedCluster asking for a base backup of every shard now: each new value (any
   * text, such as a date) is one request. The user owns it; the operator copies it to each
   * PostgresShard's spec.backupRequest and records the value served in the shard's status.backup.
   */
  public static final String BACKUP = "pgshard.io/backup";

  /**
   * Annotation asking for a rolling restart: on a ShardedCluster (every shard; copied to each
   * PostgresShard's spec.restartRequest) or on one PostgresShard (that shard). Each new value (any
   * text, such as a date) is one request. Its value goes into the instances' pod template, so a new
   * one is a new StatefulSet revision that rolls like any other change; {@code kubectl rollout
   * restart statefulset} does the same with its own template annotation.
   */
  public static final String RESTART = "pgshard.io/restart";

  /** The pod template annotation carrying a PostgresShard's own {@link #RESTART} request. */
  public static final String RESTART_SHARD = "pgshard.io/restart-shard";

  public static final String ROLE_PRIMARY = "primary";
  public static final String ROLE_REPLICA = "replica";

  /** What an object is part of; the value of {@link #COMPONENT}. */
  public enum Component {
    CLUSTER("cluster"),
    SHARD("shard"),
    POSTGRES("postgres"),
    POOLER("pooler");

    private final String value;

    Component(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  /** The label selector of everything the operator manages (its informers filter on it). */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** Shard-wide objects (config and state ConfigMaps, pods/rw/ro Services, PDB). */
  public static final String SHARD_OBJECTS_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=shard";

  /** A shard's pooler objects (its own informers: they come and go with spec.pooler.enabled). */
  public static final String POOLER_OBJECTS_SELECTOR =
      MANAGED_SELECTOR + "," + COMPONENT + "=pooler";

  private Labels() {}

  /** Labels of a cluster-level object (Secrets, shard map, PostgresShards). */
  public static Map<String, String> forCluster(String cluster, Component component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP_NAME);
    labels.put(INSTANCE, cluster);
    labels.put(COMPONENT, component.value());
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(CLUSTER, cluster);
    return labels;
  }

  /** Labels of an object that belongs to one shard. */
  public static Map<String, String> forShard(String cluster, String shard, Component component) {
    Map<String, String> labels = forCluster(cluster, component);
    labels.put(SHARD, shard);
    return labels;
  }

  /** Selects a shard's PostgreSQL pods (all roles). */
  public static Map<String, String> instanceSelector(String cluster, String shard) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(CLUSTER, cluster);
    selector.put(SHARD, shard);
    selector.put(COMPONENT, Component.POSTGRES.value());
    return selector;
  }

  /** Selects a shard's PostgreSQL pods of one role. */
  public static Map<String, String> roleSelector(String cluster, String shard, String role) {
    Map<String, String> selector = instanceSelector(cluster, shard);
    selector.put(ROLE, role);
    return selector;
  }

  /** Selects a shard's PgBouncer pods. */
  public static Map<String, String> poolerSelector(String cluster, String shard) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(CLUSTER, cluster);
    selector.put(SHARD, shard);
    selector.put(COMPONENT, Component.POOLER.value());
    return selector;
  }
}
