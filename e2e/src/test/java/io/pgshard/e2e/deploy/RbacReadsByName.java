package io.pgshard.e2e.deploy;

import java.util.Map;

/**
 * The chart's reads by name ({@code get}) that neither the mock nor the real control plane is sure
 * to see, and why they are granted: shared by the RBAC checks of both levels, keyed as "verb
 * group/resource".
 */
public final class RbacReadsByName {

  private static final String BESIDE_LIST =
      "grants no read beyond list/watch; JOSDK and server-side apply may read an object by name"
          + " (a conflict, a cache miss)";

  public static final Map<String, String> EXPLAINED =
      Map.ofEntries(
          Map.entry(
              "get pgshard.io/shardedclusters",
              "JOSDK re-reads the cluster by name when adding or removing its finalizer meets a"
                  + " conflict (ReconciliationDispatcher.conflictRetryingPatch)"),
          Map.entry("get pgshard.io/postgresshards", BESIDE_LIST),
          Map.entry("get configmaps", BESIDE_LIST),
          Map.entry("get services", BESIDE_LIST),
          Map.entry("get pods", BESIDE_LIST),
          Map.entry("get apps/statefulsets", BESIDE_LIST),
          Map.entry("get apps/deployments", BESIDE_LIST),
          Map.entry("get policy/poddisruptionbudgets", BESIDE_LIST));

  /** {@code others} and these reads, in one map. */
  public static Map<String, String> with(Map<String, String> others) {
    Map<String, String> all = new java.util.HashMap<>(others);
    all.putAll(EXPLAINED);
    return Map.copyOf(all);
  }

  private RbacReadsByName() {}
}
