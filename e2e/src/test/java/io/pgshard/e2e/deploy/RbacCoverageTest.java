package io.pgshard.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's RBAC against what the operator really does: every request the operator sent while two
 * clusters lived their lives ({@link OperatorTraffic}) is authorized against the ClusterRole and
 * Roles the chart renders with its default values, as the API server's RBAC authorizer would. The
 * other way round, every granted verb must have been used, or be listed below with the reason it is
 * granted anyway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacCoverageTest {

  /** The mock has no server-side apply, so the operator runs here as on API servers without it. */
  static final String SERVER_SIDE_APPLY =
      "with PGSHARD_SERVER_SIDE_APPLY=true (the chart's default) dependents are created and"
          + " updated by apply patches; against the mock, which has no server-side apply, by"
          + " create and update";

  /**
   * Granted, not (always) seen against the mock, and why they are needed anyway, keyed as "verb
   * group/resource". Each entry must still be granted, so the list cannot go stale.
   */
  static final String FAILOVER =
      "failover relabels pods and deletes a fenced primary; the mock's pods have no PostgreSQL, so"
          + " this run keeps the instance monitor off (OperatorFailoverIT exercises it)";

  static final Map<String, String> GRANTED_BUT_UNSEEN =
      RbacReadsByName.with(
          RbacDayTwo.with(
              Map.ofEntries(
                  Map.entry("patch pods", FAILOVER),
                  Map.entry("delete pods", FAILOVER),
                  Map.entry("patch pgshard.io/shardedclusters/status", SERVER_SIDE_APPLY),
                  Map.entry(
                      "patch pgshard.io/postgresshards",
                      "a finished switchover removes its annotation from the shard; the mock's pods have no"
                          + " PostgreSQL, so no switchover runs here (the cluster level runs one)"),
                  Map.entry(
                      "list discovery.k8s.io/endpointslices",
                      "a switchover waits for the rw Service to route to the new primary before it"
                          + " resumes the poolers; the mock's pods have no PostgreSQL, so no switchover"
                          + " runs here (the cluster level runs one)"),
                  Map.entry("patch services", SERVER_SIDE_APPLY),
                  Map.entry("patch apps/statefulsets", SERVER_SIDE_APPLY),
                  Map.entry("patch apps/deployments", SERVER_SIDE_APPLY),
                  Map.entry("patch policy/poddisruptionbudgets", SERVER_SIDE_APPLY),
                  Map.entry(
                      "update coordination.k8s.io/leases",
                      "JOSDK's LeaderElectionManager refuses to start unless a SelfSubjectRulesReview shows"
                          + " get, create and update on leases, although fabric8 7.5 renews with patch"))));

  List<ApiCall> operatorCalls;
  RbacPolicy policy;

  @BeforeAll
  void recordTheOperatorsCalls(@TempDir Path work) {
    RenderedChart chart = OperatorChart.render(Map.of(), work);
    String account = chart.one(ServiceAccount.class).getMetadata().getName();
    policy = RbacPolicy.of(chart, OperatorChart.NAMESPACE, account);
    // the Deployment takes the Lease's namespace from the downward API: the release namespace
    operatorCalls = OperatorTraffic.record(OperatorChart.NAMESPACE, leaseName(chart));

    System.out.println("Operator API calls, by permission:");
    new TreeSet<>(operatorCalls.stream().map(ApiCall::permission).toList())
        .forEach(p -> System.out.println("  " + p));
  }

  @Test
  void everyApiCallTheOperatorMakesIsAllowedByTheChartsRbac() {
    assertThat(operatorCalls).as("recorded operator calls").hasSizeGreaterThan(50);

    List<String> denied =
        operatorCalls.stream()
            .filter(call -> !policy.allows(call) && !allowedToEveryAuthenticatedUser(call))
            .map(call -> call.permission() + "  <-  " + call.request())
            .distinct()
            .toList();

    assertThat(denied)
        .as("operator requests the chart's RBAC does not allow (permission <- request)")
        .isEmpty();
  }

  @Test
  void theChartGrantsNothingTheOperatorDoesNotUse() {
    List<RbacPolicy.Permission> unused =
        policy.permissions().stream()
            .filter(p -> operatorCalls.stream().noneMatch(p::allows))
            .toList();
    if (!unused.isEmpty()) {
      System.out.println("Granted but not used against the mock API server:");
      unused.forEach(
          p ->
              System.out.println(
                  "  " + p + "  -- " + GRANTED_BUT_UNSEEN.getOrDefault(key(p), "NOT EXPLAINED")));
    }

    assertThat(
            unused.stream()
                .map(RbacCoverageTest::key)
                .filter(k -> !GRANTED_BUT_UNSEEN.containsKey(k))
                .toList())
        .as("granted verbs the operator never used and no comment explains")
        .isEmpty();
    // an explanation of a verb the chart no longer grants is stale (some explained verbs are
    // used in one run and not in another: a conflict on the finalizer is a race)
    assertThat(policy.permissions().stream().map(RbacCoverageTest::key).toList())
        .as("granted verbs, which every explained exception must be one of")
        .containsAll(GRANTED_BUT_UNSEEN.keySet());
  }

  /**
   * The built-in system:basic-user ClusterRole lets every authenticated user review its own access:
   * JOSDK does so (a SelfSubjectRulesReview) before it takes part in leader election.
   */
  static boolean allowedToEveryAuthenticatedUser(ApiCall call) {
    // discovery (/version, /api, /apis/...): the built-in system:discovery and
    // system:public-info-viewer ClusterRoles; the operator reads what the server serves at start
    if (!call.isOnAResource() && "get".equals(call.verb())) {
      String path = call.request().substring("GET ".length()).replaceAll("\\?.*", "");
      return path.equals("/version") || path.startsWith("/api");
    }
    return "create".equals(call.verb())
        && "authorization.k8s.io".equals(call.apiGroup())
        && List.of("selfsubjectrulesreviews", "selfsubjectaccessreviews").contains(call.resource());
  }

  static String key(RbacPolicy.Permission p) {
    return p.verb() + " " + (p.apiGroup().isEmpty() ? "" : p.apiGroup() + "/") + p.resource();
  }

  static String leaseName(RenderedChart chart) {
    return chart
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getName().equals("PGSHARD_LEASE_NAME"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }
}
