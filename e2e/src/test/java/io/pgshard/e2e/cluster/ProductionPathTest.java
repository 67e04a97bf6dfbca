package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pgshard.e2e.controlplane.AuditLog;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Kubectl;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.Pause;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production path on a real API server: the chart's configuration provisions
 * samples/minimal.yaml, and the user's manifest stays the user's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionPathTest {

  static final String NAMESPACE = "demo";
  static final Path SAMPLES = Path.of(System.getProperty("pgshard.samples.dir", "../samples"));

  @RegisterExtension static final OnControlPlane ON = new OnControlPlane();

  ControlPlaneCluster cluster;

  @BeforeAll
  void start() {
    cluster = ON.start(Map.of());
  }

  @AfterAll
  void stop() {
    ON.close();
  }

  @Test
  @Order(1)
  void oneOfTheChartsTwoReplicasTakesTheLease() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(cluster.leader())
                    .isIn(cluster.operatorName(0), cluster.operatorName(1)));
  }

  @Test
  @Order(2)
  void minimalSampleBecomesReadyAndKeepsTheUsersSpec() {
    assertThat(cluster.kubectl("create", "namespace", NAMESPACE).ok()).isTrue();
    Kubectl.Result applied =
        cluster.kubectl("apply", "-n", NAMESPACE, "-f", SAMPLES.resolve("minimal.yaml").toString());
    assertThat(applied.ok()).as(applied.output()).isTrue();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              ShardedCluster c = minimal();
              assertThat(c.getStatus()).isNotNull();
              assertThat(c.getStatus().getPhase()).isEqualTo("Ready");
            });
    ShardedCluster c = minimal();
    assertThat(c.getSpec().getShards()).isEqualTo(2);
    // only the user's kubectl owns spec fields: the operator's managers (its finalizer apply,
    // its status apply) own the finalizer and the status, nothing of the spec
    List<String> specOwners =
        c.getMetadata().getManagedFields().stream()
            .filter(m -> m.getFieldsV1().getAdditionalProperties().containsKey("f:spec"))
            .map(ManagedFieldsEntry::getManager)
            .toList();
    assertThat(specOwners).isNotEmpty().allMatch(m -> m.startsWith("kubectl"));
    assertThat(c.getMetadata().getFinalizers()).isNotEmpty();
    // the finalizer and the status have owners of their own, so that neither apply drops the other
    assertThat(c.getMetadata().getManagedFields())
        .as("the operator's finalizer is applied by its own field manager")
        .anySatisfy(
            m -> {
              assertThat(m.getManager()).isEqualTo("shardedcluster");
              assertThat(m.getFieldsV1().getAdditionalProperties())
                  .containsKey("f:metadata")
                  .doesNotContainKey("f:spec")
                  .doesNotContainKey("f:status");
            })
        .anySatisfy(
            m -> {
              assertThat(m.getManager()).isEqualTo("shardedcluster-status");
              assertThat(m.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:status");
            });
  }

  @Test
  @Order(3)
  void aServerSideApplyByTheUserMeetsNoConflictAndNoSpuriousWarning() throws Exception {
    // the fields the schema defaulted must not belong to the operator: a GitOps tool that applies
    // them server-side (Argo CD with ServerSideApply=true) would otherwise meet a conflict
    Path edited = Files.createTempFile("minimal-ssa", ".yaml");
    Files.writeString(
        edited,
        Files.readString(SAMPLES.resolve("minimal.yaml"))
            + "  failover: {probeInterval: 1s, failureThreshold: 4}\n"
            + "  podDisruptionBudget: {enabled: true}\n");
    long generation = minimal().getMetadata().getGeneration();
    Kubectl.Result applied =
        cluster.kubectl(
            "apply",
            "--server-side",
            "--field-manager=argocd-controller",
            "-n",
            NAMESPACE,
            "-f",
            edited.toString());
    assertThat(applied.ok()).as(applied.output()).isTrue();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              ShardedCluster c = minimal();
              assertThat(c.getMetadata().getGeneration()).isGreaterThan(generation);
              assertThat(c.getStatus().getObservedGeneration())
                  .isEqualTo(c.getMetadata().getGeneration());
              assertThat(c.getStatus().getPhase()).isEqualTo("Ready");
            });
    assertThat(minimal().getSpec().getFailover().getFailureThreshold()).isEqualTo(4);
    assertThat(minimal().getSpec().getShards()).isEqualTo(2);
    assertThat(
            cluster.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()))
                .map(e -> e.getReason() + ": " + e.getMessage())
                .toList())
        .as("warnings about the cluster")
        .noneMatch(w -> w.startsWith("HashRangesChanged") || w.startsWith("InvalidSpec"));
  }

  /**
   * What a healthy cluster with WAL moving costs the API server: the operator's writes in one
   * minute, from the audit log. Lease renewals are leader election's own price (one every 2 s).
   * Besides them, only a shard's status, at most every 30 s while its WAL moves: the instances'
   * receive and replay LSNs and lag ({@code status.instances[]}, {@code instancesProbedAt}), the
   * summary kubectl shows and the next failover's lag bound survives an operator restart with.
   */
  @Test
  @Order(4)
  void atSteadyStateTheOperatorWritesOnlyItsLeaseAndAShardSummaryEvery30Seconds() throws Exception {
    Map<String, String> app =
        SecretValues.credentials(cluster.client(), NAMESPACE, List.of("minimal-app"))
            .get("minimal-app");
    try (Writer writer =
        Writer.start(
            cluster.serviceAddress(NAMESPACE, "minimal-shard-0-pooler"),
            app.get("username"),
            app.get("password"),
            "app")) {
      writer.awaitAcknowledged(20, Duration.ofMinutes(1));
      Pause.millis(15_000); // the first status refresh after writes begin may land here
      Instant from = Instant.now();
      Pause.millis(60_000);
      Instant to = Instant.now();
      assertThat(writer.errors()).isEmpty();
      List<AuditLog.Request> writes =
          AuditLog.read(cluster.controlPlane().auditLog(), cluster.operatorUser().name()).stream()
              .filter(AuditLog.Request::isWrite)
              .filter(r -> !r.at().isBefore(from) && r.at().isBefore(to))
              .toList();
      Map<String, Long> byPermission = OperatorRequestTable.byPermission(writes);
      System.out.println(
          "STEADY_STATE writes_per_minute="
              + writes.size()
              + " "
              + byPermission
              + " (real control plane, minimal.yaml: 2 shards, writes through shard 0's pooler)");
      Map<String, Long> besidesTheLease = new java.util.TreeMap<>(byPermission);
      besidesTheLease.remove("patch coordination.k8s.io/leases");
      besidesTheLease.remove("update coordination.k8s.io/leases");
      assertThat(besidesTheLease.keySet())
          .as("writes in a steady minute besides the Lease")
          .isSubsetOf("update pgshard.io/postgresshards/status");
      assertThat(besidesTheLease.getOrDefault("update pgshard.io/postgresshards/status", 0L))
          .as("shard status writes in a minute: at most one per shard every 30 s")
          .isLessThanOrEqualTo(4);
    }
  }

  @Test
  @Order(5)
  void whenTheLeaderIsKilledTheFollowerTakesOverAndNeverBothReconcile() throws Exception {
    int leaderReplica = cluster.leaderReplica();
    int follower = 1 - leaderReplica;
    cluster.operator(leaderReplica).kill();
    Instant killed = Instant.now();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> assertThat(cluster.leader()).isEqualTo(cluster.operatorName(follower)));
    System.out.println(
        "LEADER_TAKEOVER after_kill_s="
            + Duration.between(killed, Instant.now()).toMillis() / 1000.0);
    // the new leader carries on: a spec edit is reconciled
    long generation = editFailureThreshold(3);
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> assertThat(minimal().getStatus().getObservedGeneration()).isEqualTo(generation));
    // Kubernetes restarts the killed pod; it comes back as a follower
    cluster.startOperator(leaderReplica);
    Pause.millis(5_000);
    assertThat(cluster.leader()).isEqualTo(cluster.operatorName(follower));
    // from the audit log: no write by the killed leader after the new one's first
    List<AuditLog.Request> writes =
        AuditLog.read(cluster.controlPlane().auditLog(), cluster.operatorUser().name()).stream()
            .filter(AuditLog.Request::isWrite)
            .filter(r -> !"leases".equals(r.resource()))
            // a starting replica reviews its own access before it competes for the Lease
            .filter(r -> !"authorization.k8s.io".equals(r.group()))
            .toList();
    Instant newLeaderFirst =
        writes.stream()
            .filter(r -> r.userAgent().startsWith(cluster.userAgent(follower)))
            .filter(r -> r.at().isAfter(killed))
            .map(AuditLog.Request::at)
            .min(Instant::compareTo)
            .orElseThrow();
    assertThat(
            writes.stream()
                .filter(r -> r.userAgent().startsWith(cluster.userAgent(leaderReplica)))
                .filter(r -> !r.at().isBefore(newLeaderFirst))
                .toList())
        .as("writes by the old leader once the new one wrote")
        .isEmpty();
  }

  @Test
  @Order(6)
  void sigtermEndsTheLeaderPromptlyAndHandsTheLeaseOver() throws Exception {
    int leaderReplica = cluster.leaderReplica();
    Instant signalled = Instant.now();
    assertThat(cluster.operator(leaderReplica).stop(Duration.ofSeconds(30)))
        .as("the leader exited within 30 s of SIGTERM")
        .isTrue();
    Instant exited = Instant.now();
    // released, not left to expire: the exited leader no longer holds it (the follower may
    // already have taken it)
    Lease atExit = cluster.lease();
    assertThat(atExit.getSpec().getHolderIdentity())
        .as("the Lease's holder once the old leader exited")
        .isNotEqualTo(cluster.operatorName(leaderReplica));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> assertThat(cluster.leader()).isEqualTo(cluster.operatorName(1 - leaderReplica)));
    System.out.println(
        "LEADER_HANDOVER sigterm_exit_s="
            + Duration.between(signalled, exited).toMillis() / 1000.0
            + " takeover_after_exit_s="
            + Duration.between(exited, Instant.now()).toMillis() / 1000.0);
    cluster.startOperator(leaderReplica);
  }

  /**
   * Every manifest in samples/invalid/ is refused by the API server at apply time with a message
   * that names the field, except those whose rule a 1.20 schema cannot state (map keys, cross-field
   * rules; CEL arrived in 1.25): the sample says so, and the operator refuses them with
   * Ready=False, reason InvalidSpec, the field in the message and a Warning event.
   */
  @Test
  @Order(7)
  void everyInvalidSampleIsRefusedWithAMessageNamingTheField() throws Exception {
    String ns = "invalid";
    assertThat(cluster.kubectl("create", "namespace", ns).ok()).isTrue();
    List<Path> samples;
    try (var files = Files.list(SAMPLES.resolve("invalid"))) {
      samples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(samples).hasSizeGreaterThanOrEqualTo(10);
    for (Path sample : samples) {
      List<String> comments =
          Files.readAllLines(sample).stream().filter(l -> l.startsWith("#")).toList();
      String expected = comments.get(0).substring("# expect: ".length());
      String field = expected.substring(0, expected.indexOf(": "));
      boolean byOperator = comments.stream().anyMatch(l -> l.contains("reason InvalidSpec"));
      // --validate=false: the API server's verdict, not kubectl's own check of its schema
      Kubectl.Result applied =
          cluster.kubectl("apply", "--validate=false", "-n", ns, "-f", sample.toString());
      if (!byOperator) {
        assertThat(applied.ok()).as(sample + " applied: " + applied.output()).isFalse();
        // JSON-schema paths name a required property under its parent
        String named =
            field.equals("spec") || expected.contains("required property")
                ? field + "." + expected.replaceAll(".*required property '([^']+)'.*", "$1")
                : field;
        // Kubernetes 1.20 names list items without their index: spec.partitions.interval
        assertThat(applied.output())
            .as(sample.toString())
            .containsAnyOf(named, named.replaceAll("\\[\\d+]", ""));
        continue;
      }
      assertThat(applied.ok()).as(sample + ": " + applied.output()).isTrue();
      String name = sample.getFileName().toString().replace(".yaml", "");
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () -> {
                ShardedCluster c =
                    cluster
                        .client()
                        .resources(ShardedCluster.class)
                        .inNamespace(ns)
                        .withName(name)
                        .get();
                assertThat(c.getStatus()).isNotNull();
                assertThat(c.getStatus().getConditions())
                    .anySatisfy(
                        cond -> {
                          assertThat(cond.getType()).isEqualTo("Ready");
                          assertThat(cond.getStatus()).isEqualTo("False");
                          assertThat(cond.getReason()).isEqualTo("InvalidSpec");
                          assertThat(cond.getMessage()).contains(field);
                        });
              });
      assertThat(
              cluster.client().v1().events().inNamespace(ns).list().getItems().stream()
                  .filter(e -> name.equals(e.getInvolvedObject().getName()))
                  .filter(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason()))
                  .toList())
          .as("InvalidSpec warning on " + name)
          .isNotEmpty();
      assertThat(
              cluster
                  .client()
                  .resources(io.pgshard.operator.api.v1alpha1.PostgresShard.class)
                  .inNamespace(ns)
                  .list()
                  .getItems()
                  .stream()
                  .filter(sh -> sh.getMetadata().getName().startsWith(name + "-"))
                  .toList())
          .as("shards of a refused cluster")
          .isEmpty();
    }
    Path noSpec = Files.createTempFile("no-spec", ".yaml");
    Files.writeString(
        noSpec,
        "apiVersion: pgshard.io/v1alpha1\nkind: ShardedCluster\nmetadata:\n  name: no-spec\n");
    Kubectl.Result applied =
        cluster.kubectl("apply", "--validate=false", "-n", ns, "-f", noSpec.toString());
    assertThat(applied.ok()).isFalse();
    assertThat(applied.output()).contains("spec").contains("Required value");
  }

  private long editFailureThreshold(int threshold) {
    ShardedCluster c = minimal();
    c.getSpec().getFailover().setFailureThreshold(threshold);
    return cluster.client().resource(c).update().getMetadata().getGeneration();
  }

  private ShardedCluster minimal() {
    return cluster
        .client()
        .resources(ShardedCluster.class)
        .inNamespace(NAMESPACE)
        .withName("minimal")
        .get();
  }
}
