package io.pgshard.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.pgshard.operator.config.OperatorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's Helm chart: it lints clean, renders what an install needs, and its values schema
 * refuses what the templates cannot use.
 */
class HelmChartTest {

  static final Map<String, Object> TWO_NAMESPACES_WITH_MONITOR =
      Map.of(
          "watchNamespaces", List.of("a", "b"),
          "serviceMonitor", Map.of("enabled", true, "labels", Map.of("release", "prometheus")));

  @TempDir Path work;

  @Test
  void lintsCleanWithTheDefaultValues() {
    assertLintsClean(OperatorChart.lint(Map.of(), work));
  }

  @Test
  void lintsCleanWhenWatchingTwoNamespacesWithAServiceMonitor() {
    assertLintsClean(OperatorChart.lint(TWO_NAMESPACES_WITH_MONITOR, work));
  }

  @Test
  void byDefaultWatchesEveryNamespaceThroughAClusterRole() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    ClusterRole role = chart.one(ClusterRole.class);
    ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertBindsTheOperatorsServiceAccount(chart, binding.getSubjects());
    assertThat(role.getRules())
        .anySatisfy(r -> assertThat(r.getResources()).contains("shardedclusters"));
    // the only Role is the leader-election one: nothing namespaced for the operator's resources
    assertThat(chart.all(Role.class))
        .singleElement()
        .satisfies(r -> assertThat(resourcesOf(r)).containsExactly("leases"));
    assertThat(chart.find("ServiceMonitor", "pgshard-pgshard-operator")).isEmpty();
    assertThat(env(chart)).containsEntry("PGSHARD_WATCH_NAMESPACES", "");
  }

  @Test
  void watchingNamedNamespacesGrantsARoleInEachAndNothingClusterWide() {
    RenderedChart all = OperatorChart.render(Map.of(), work);
    RenderedChart chart = OperatorChart.render(TWO_NAMESPACES_WITH_MONITOR, work);

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    List<Role> operatorRoles =
        chart.all(Role.class).stream().filter(r -> !resourcesOf(r).contains("leases")).toList();
    assertThat(operatorRoles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("a", "b");
    // the same rules as cluster-wide, only confined to the namespace
    assertThat(operatorRoles)
        .allSatisfy(r -> assertThat(r.getRules()).isEqualTo(all.one(ClusterRole.class).getRules()));
    List<RoleBinding> bindings =
        chart.all(RoleBinding.class).stream()
            .filter(b -> List.of("a", "b").contains(b.getMetadata().getNamespace()))
            .toList();
    assertThat(bindings).hasSize(2);
    for (RoleBinding binding : bindings) {
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(operatorRoles)
          .anySatisfy(
              r -> {
                assertThat(r.getMetadata().getName()).isEqualTo(binding.getRoleRef().getName());
                assertThat(r.getMetadata().getNamespace())
                    .isEqualTo(binding.getMetadata().getNamespace());
              });
      assertBindsTheOperatorsServiceAccount(chart, binding.getSubjects());
    }
    assertThat(env(chart)).containsEntry("PGSHARD_WATCH_NAMESPACES", "a,b");
  }

  @Test
  void theLeaseRoleLetsTheReplicasElectALeaderInTheReleaseNamespace() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    Role lease = chart.one(Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(OperatorChart.NAMESPACE);
    assertThat(lease.getRules())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(rule.getResources()).containsExactly("leases");
              // JOSDK checks for get, create, update at startup; fabric8 renews with patch
              assertThat(rule.getVerbs())
                  .containsExactlyInAnyOrder("get", "create", "update", "patch");
            });
    RoleBinding binding = chart.one(RoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
    assertBindsTheOperatorsServiceAccount(chart, binding.getSubjects());
  }

  @Test
  void runsTwoReplicasThatElectALeader() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    Map<String, String> env = env(chart);
    assertThat(env)
        .containsEntry("PGSHARD_LEADER_ELECTION", "true")
        .containsEntry("PGSHARD_LEASE_NAME", "pgshard-pgshard-operator-leader");
    Map<String, String> fromPod =
        container(chart).getEnv().stream()
            .filter(e -> e.getValueFrom() != null)
            .collect(
                Collectors.toMap(
                    EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
    assertThat(fromPod)
        .containsEntry("PGSHARD_LEASE_NAMESPACE", "metadata.namespace")
        .containsEntry("POD_NAME", "metadata.name");
  }

  @Test
  void theOperatorContainerRunsAsNonRootOnAReadOnlyFilesystemWithoutCapabilities() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    SecurityContext security = container(chart).getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(65532L);
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // the JVM still needs a writable /tmp
    assertThat(container(chart).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void theContainerServesProbesAndMetricsOnPort8080() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    Container container = container(chart);
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(env(chart)).containsEntry("PGSHARD_HTTP_PORT", "8080");
    Service metrics = chart.one(Service.class);
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http-metrics");
              assertThat(p.getPort()).isEqualTo(8080);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    RenderedChart chart = OperatorChart.render(Map.of(), work);

    Container container = container(chart);
    assertThat(container.getImage()).isEqualTo("pgshard/pgshard-operator:0.1.0");
    assertThat(container.getResources().getRequests())
        .containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
        .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"));
    assertThat(container.getResources().getLimits())
        .containsOnlyKeys("memory")
        .containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("512Mi"));
    assertThat(env(chart))
        .containsEntry("PGSHARD_LOG_LEVEL", "INFO")
        .containsEntry("PGSHARD_RECONCILE_THREADS", "10");
  }

  @Test
  void valuesReachTheOperatorsEnvironment() {
    RenderedChart chart =
        OperatorChart.render(
            Map.of(
                "logLevel",
                "DEBUG",
                "reconcileThreads",
                4,
                "image",
                Map.of("repository", "registry.example/pgshard", "tag", "dev")),
            work);

    assertThat(env(chart))
        .containsEntry("PGSHARD_LOG_LEVEL", "DEBUG")
        .containsEntry("PGSHARD_RECONCILE_THREADS", "4");
    assertThat(container(chart).getImage()).isEqualTo("registry.example/pgshard:dev");
  }

  @Test
  void everyEnvironmentVariableIsOneTheOperatorReads() {
    assertThat(container(OperatorChart.render(Map.of(), work)).getEnv())
        .extracting(EnvVar::getName)
        .allSatisfy(name -> assertThat(OperatorConfig.ENV).containsKey(name));
  }

  @Test
  void aServiceMonitorScrapesTheMetricsPortOnlyWhenEnabled() {
    assertThat(OperatorChart.render(Map.of(), work).objects())
        .noneSatisfy(o -> assertThat(o.getKind()).isEqualTo("ServiceMonitor"));

    RenderedChart chart = OperatorChart.render(TWO_NAMESPACES_WITH_MONITOR, work);
    GenericKubernetesResource monitor =
        (GenericKubernetesResource)
            chart.find("ServiceMonitor", "pgshard-pgshard-operator").orElseThrow();
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("port", "http-metrics")
                    .containsEntry("path", "/metrics")
                    .containsEntry("interval", "30s"));
  }

  @Test
  void theSchemaRefusesAnUnknownLogLevel() {
    assertThatThrownBy(() -> OperatorChart.render(Map.of("logLevel", "LOUD"), work))
        .hasMessageContaining("logLevel")
        .hasMessageContaining("INFO");
    LintResult lint = OperatorChart.lint(Map.of("logLevel", "LOUD"), work);
    assertThat(lint.isFailed()).isTrue();
    assertThat(lint.getMessages()).anySatisfy(m -> assertThat(m).contains("logLevel"));
  }

  @Test
  void theSchemaRefusesAReplicaCountThatIsNotAnInteger() {
    assertThatThrownBy(() -> OperatorChart.render(Map.of("replicaCount", "two"), work))
        .hasMessageContaining("replicaCount");
  }

  @Test
  void theSchemaRefusesAnUnknownKeySoATypoIsNotIgnored() {
    assertThatThrownBy(() -> OperatorChart.render(Map.of("watchNamespace", List.of("a")), work))
        .hasMessageContaining("watchNamespace");
  }

  @Test
  void theSchemaRefusesANamespaceNameKubernetesWouldRefuse() {
    assertThatThrownBy(
            () -> OperatorChart.render(Map.of("watchNamespaces", List.of("Team_A")), work))
        .hasMessageContaining("watchNamespaces");
  }

  // --- helpers

  static void assertLintsClean(LintResult lint) {
    assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages())
        .noneSatisfy(m -> assertThat(m).containsAnyOf("[ERROR]", "[WARNING]"));
  }

  static void assertBindsTheOperatorsServiceAccount(
      RenderedChart chart, List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects) {
    ServiceAccount account = chart.one(ServiceAccount.class);
    assertThat(
            chart.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
    assertThat(subjects)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(OperatorChart.NAMESPACE);
            });
  }

  static List<String> resourcesOf(Role role) {
    return role.getRules().stream().flatMap(r -> r.getResources().stream()).toList();
  }

  static Container container(RenderedChart chart) {
    return chart.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The container's plain-value environment (downward-API variables have no value). */
  static Map<String, String> env(RenderedChart chart) {
    return container(chart).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
