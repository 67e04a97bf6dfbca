package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.pgshard.e2e.controlplane.AuditLog;
import io.pgshard.e2e.deploy.OperatorChart;
import io.pgshard.e2e.deploy.RbacDayTwo;
import io.pgshard.e2e.deploy.RbacPolicy;
import io.pgshard.e2e.deploy.RbacReadsByName;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.e2e.scenarios.MinimalClusterScenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MinimalClusterScenarios} on the real control plane, with the operator as the chart deploys
 * it: two replicas, leader election, server-side apply, the instance monitor, the chart's RBAC
 * only. Garbage collection, StatefulSet and EndpointSlice controllers, the scheduler and
 * Terminating pods are Kubernetes' own here.
 */
class MinimalClusterOnControlPlaneTest extends MinimalClusterScenarios {

  static final String WITHOUT_SSA =
      "with PGSHARD_SERVER_SIDE_APPLY=false (API servers without it) objects are created and"
          + " updated; with it, both are apply patches";
  static final String DISABLED =
      "the pooler's objects and the PodDisruptionBudget are deleted when the spec turns them off";

  /**
   * Granted by the chart, not necessarily used in these steps, and why they are granted anyway,
   * keyed as "verb group/resource". Each must still be granted, so the list cannot go stale.
   */
  static final Map<String, String> GRANTED_UNUSED_HERE =
      RbacReadsByName.with(
          RbacDayTwo.with(
              Map.ofEntries(
                  Map.entry("update pgshard.io/shardedclusters/status", WITHOUT_SSA),
                  Map.entry("create services", WITHOUT_SSA),
                  Map.entry("create apps/statefulsets", WITHOUT_SSA),
                  Map.entry("create apps/deployments", WITHOUT_SSA),
                  Map.entry("create policy/poddisruptionbudgets", WITHOUT_SSA),
                  Map.entry("update configmaps", WITHOUT_SSA),
                  Map.entry("update services", WITHOUT_SSA),
                  Map.entry("update apps/statefulsets", WITHOUT_SSA),
                  Map.entry("update apps/deployments", WITHOUT_SSA),
                  Map.entry("update policy/poddisruptionbudgets", WITHOUT_SSA),
                  Map.entry("delete configmaps", DISABLED),
                  Map.entry("delete services", DISABLED),
                  Map.entry("delete apps/deployments", DISABLED),
                  Map.entry("delete policy/poddisruptionbudgets", DISABLED),
                  Map.entry(
                      "deletecollection persistentvolumeclaims",
                      "a deleted cluster's claims are deleted only when spec.postgres.storage.deleteClaimsWithCluster opts in"),
                  Map.entry(
                      "update coordination.k8s.io/leases",
                      "a clean stop hands the Lease over (LeaseRelease), and JOSDK refuses to start without it"),
                  Map.entry(
                      "create secrets",
                      "only when the user did not create the cluster's Secrets beforehand"))));

  @RegisterExtension final OnControlPlane on = new OnControlPlane();
  private ControlPlaneCluster cluster;

  @Override
  protected Harness startHarness() {
    cluster = on.start(Map.of());
    return cluster;
  }

  /**
   * Least privilege, measured: every request the operator replicas made during the steps above,
   * from the API server's audit log. None was refused, and the chart grants nothing that was not
   * used here or is not explained.
   */
  @Test
  @Order(100)
  void theOperatorWasRefusedNothingAndTheChartGrantsNothingUnused() throws Exception {
    // a watch (a WebSocket here) reaches the audit log when it ends
    cluster.stopOperators();
    List<AuditLog.Request> requests =
        AuditLog.read(cluster.controlPlane().auditLog(), cluster.operatorUser().name());
    String table = OperatorRequestTable.markdown(requests);
    System.out.println("Operator requests on the real control plane (audit log):\n" + table);
    Files.writeString(Path.of("target", "cluster-operator-requests.md"), table);
    assertThat(requests).isNotEmpty();
    assertThat(
            requests.stream()
                .filter(r -> r.code() == 403)
                .map(r -> r.permission() + " " + r.namespace() + "/" + r.name())
                .distinct()
                .toList())
        .as("requests the chart's RBAC refused")
        .isEmpty();

    RbacPolicy policy =
        RbacPolicy.of(
            cluster.chart(),
            OperatorChart.NAMESPACE,
            cluster.chart().one(ServiceAccount.class).getMetadata().getName());
    List<String> unused =
        policy.permissions().stream()
            .filter(
                p ->
                    requests.stream()
                        .noneMatch(
                            r ->
                                p.allows(
                                    r.verb(),
                                    r.group(),
                                    r.subresource().isEmpty()
                                        ? r.resource()
                                        : r.resource() + "/" + r.subresource(),
                                    r.namespace())))
            .map(RbacPolicy.Permission::key)
            .distinct()
            .toList();
    System.out.println("Granted, not used here: " + unused);
    assertThat(unused.stream().filter(k -> !GRANTED_UNUSED_HERE.containsKey(k)).toList())
        .as("granted verbs the operator never used and no comment explains")
        .isEmpty();
    assertThat(policy.permissions().stream().map(RbacPolicy.Permission::key).toList())
        .as("granted verbs, which every explained exception must be one of")
        .containsAll(GRANTED_UNUSED_HERE.keySet());
  }

  @Override
  protected void orReport(Runnable step) {
    on.orReport(step);
  }

  @AfterAll
  void stop() {
    on.close();
  }
}
