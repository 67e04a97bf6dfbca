package io.pgshard.e2e.deploy;

import java.util.HashMap;
import java.util.Map;

/**
 * The chart's grants for day-2 changes (rolling restarts, storage growth) that the RBAC audits'
 * runs do not make, and why they are granted: shared by the audits of both levels, keyed as "verb
 * group/resource". RollingRestartOnControlPlaneTest makes each of these calls.
 */
public final class RbacDayTwo {

  private static final String GROWTH =
      "a storage growth (raising storage.size) reads and raises each data claim and replaces the"
          + " StatefulSet with orphan propagation; no audited run grows storage";

  public static final Map<String, String> EXPLAINED =
      Map.of(
          "create pods/eviction",
          "a rolling restart evicts one instance at a time; no audited run changes anything that"
              + " needs a restart",
          "get persistentvolumeclaims",
          GROWTH,
          "patch persistentvolumeclaims",
          GROWTH,
          "delete apps/statefulsets",
          GROWTH);

  /** {@code others} and these grants, in one map. */
  public static Map<String, String> with(Map<String, String> others) {
    Map<String, String> all = new HashMap<>(others);
    all.putAll(EXPLAINED);
    return Map.copyOf(all);
  }

  private RbacDayTwo() {}
}
