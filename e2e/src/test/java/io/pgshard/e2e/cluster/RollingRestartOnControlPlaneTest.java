package io.pgshard.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Kubectl;
import io.pgshard.e2e.rolling.RollingRun;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.FailoverRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardRolloutStatus;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rolling restarts on the real control plane (real StatefulSet revisions, PodDisruptionBudgets,
 * evictions and Terminating pods) with the chart's operator: a 2-shard cluster with 2 standbys per
 * shard rolls, under a client writing through every shard's pooler, for a restart annotation, for a
 * parameter that needs a restart (first seen, paused) with a minor image upgrade, and for {@code
 * kubectl rollout restart} of one shard's StatefulSet: standbys first, one instance down at a time,
 * then a switchover, no acknowledged write lost and no client error. A parameter that needs no
 * restart only reloads, and a major-version image change is refused and restarts nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingRestartOnControlPlaneTest {

  static final String NS = "rolling";
  static final String NAME = "ledger";
  static final int SHARDS = 2;
  static final int REPLICAS = 2;
  static final int INSTANCES = SHARDS * (REPLICAS + 1);

  @RegisterExtension final OnControlPlane on = new OnControlPlane();
  private ControlPlaneCluster cluster;
  private RollingRun run;

  @BeforeAll
  void applyCluster() {
    cluster = on.start(Map.of());
    on.orReport(() -> run = RollingRun.start(cluster, NS, NAME, SHARDS, REPLICAS, 1));
  }

  @AfterAll
  void stop() {
    if (run != null) {
      run.close();
    }
    on.close();
  }

  @Test
  @Order(1)
  void aRestartAnnotationRollsEveryInstanceStandbysFirstOneShardAtATime() {
    ClusterView view = run.view();
    RollingRun.Outcome outcome =
        run.roll(
            () ->
                view.edit(
                    c -> {
                      if (c.getMetadata().getAnnotations() == null) {
                        c.getMetadata().setAnnotations(new HashMap<>());
                      }
                      c.getMetadata()
                          .getAnnotations()
                          .put("pgshard.io/restart", Instant.now().toString());
                      return c;
                    }));
    System.out.println("restart annotation: " + outcome.summary());

    assertSafe(outcome, INSTANCES);
    Instant[] shardWindows = new Instant[SHARDS * 2];
    for (int i = 0; i < SHARDS; i++) {
      PostgresShard shard = view.shard(i);
      String name = shard.getMetadata().getName();
      String formerPrimary = outcome.primaryBefore().get(name);
      FailoverRecord handover = shard.getStatus().getLastFailover();
      assertThat(handover.getReason())
          .as("the primary of %s hands over", name)
          .startsWith("Switchover");
      assertThat(handover.getFrom()).isEqualTo(formerPrimary);
      Instant promoted = Instant.parse(handover.getPromotedAt());
      // the switchover deletes the former primary's pod before it promotes (the old primary must
      // stop first), so its new pod may be created before promotedAt: it restarts last, after
      // every standby (creation timestamps have whole seconds)
      Instant formerPrimaryRestarted = outcome.restartedAt().get(formerPrimary);
      for (int ordinal = 0; ordinal <= REPLICAS; ordinal++) {
        String pod = name + "-" + ordinal;
        Instant restarted = outcome.restartedAt().get(pod);
        if (!pod.equals(formerPrimary)) {
          assertThat(restarted)
              .as("standby %s restarts before the switchover", pod)
              .isBeforeOrEqualTo(promoted.plusSeconds(1));
          assertThat(formerPrimaryRestarted)
              .as("the former primary restarts after standby %s", pod)
              .isAfterOrEqualTo(restarted);
        }
      }
      ShardRolloutStatus rollout = shard.getStatus().getRollout();
      assertThat(rollout.getUpdatedInstances()).isEqualTo(REPLICAS + 1);
      assertThat(rollout.getRestartedInstances()).isEqualTo(REPLICAS + 1);
      assertThat(rollout.getPending()).isEmpty();
      assertThat(Conditions.isTrue(shard.getStatus().getConditions(), Conditions.UP_TO_DATE))
          .isTrue();
      shardWindows[2 * i] = Instant.parse(rollout.getStartedAt());
      shardWindows[2 * i + 1] = Instant.parse(rollout.getLastCompletedAt());
    }
    // maxShardsInParallel 1: one shard's rollout ends before the other's begins
    boolean firstThenSecond = !shardWindows[2].isBefore(shardWindows[1]);
    boolean secondThenFirst = !shardWindows[0].isBefore(shardWindows[3]);
    assertThat(firstThenSecond || secondThenFirst)
        .as("rollout windows %s do not overlap", java.util.Arrays.toString(shardWindows))
        .isTrue();
  }

  @Test
  @Order(2)
  void aParameterThatNeedsNoRestartOnlyReloads() throws Exception {
    Map<String, Set<String>> before = run.uids();
    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().getParameters().put("work_mem", "7MB");
              return c;
            });
    awaitSettingEverywhere("work_mem", "7MB");
    // a probe round later, nothing waits for a restart and nothing restarted
    Thread.sleep(3000);
    assertThat(run.uids()).isEqualTo(before);
    for (PostgresShard shard : run.view().shards()) {
      assertThat(shard.getStatus().getRollout().getPhase()).isEqualTo("UpToDate");
    }
  }

  @Test
  @Order(3)
  void aPausedRolloutShowsPendingParametersThenOneRollAppliesThemAndAMinorImageUpgrade() {
    Map<String, Set<String>> before = run.uids();
    run.view()
        .edit(
            c -> {
              c.getSpec().getRollout().setPaused(true);
              c.getSpec().getPostgres().getParameters().put("shared_buffers", "24MB");
              return c;
            });
    // every instance reports the parameter it applies only at a restart; paused, nothing restarts
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (PostgresShard shard : run.view().shards()) {
                assertThat(shard.getStatus().getInstances())
                    .hasSize(REPLICAS + 1)
                    .allSatisfy(
                        i -> assertThat(i.getPendingRestart()).containsExactly("shared_buffers"));
                assertThat(shard.getStatus().getRollout().getPhase()).isEqualTo("Paused");
                assertThat(shard.getStatus().getRollout().getPending()).hasSize(REPLICAS + 1);
              }
            });
    assertThat(run.uids()).as("a paused rollout restarts nothing").isEqualTo(before);

    RollingRun.Outcome outcome =
        run.roll(
            () ->
                run.view()
                    .edit(
                        c -> {
                          c.getSpec().getRollout().setPaused(false);
                          c.getSpec().getRollout().setMaxShardsInParallel(2);
                          c.getSpec().getPostgres().setImage("postgres:15.6");
                          return c;
                        }));
    System.out.println("shared_buffers and image: " + outcome.summary());

    assertSafe(outcome, INSTANCES);
    awaitSettingEverywhere("shared_buffers", "24MB");
    for (int i = 0; i < SHARDS; i++) {
      String shard = ResourceNames.shard(NAME, i);
      assertThat(statefulSetImage(shard)).isEqualTo("postgres:15.6");
      for (var pod : run.view().pods(shard)) {
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("postgres:15.6");
      }
    }
    for (PostgresShard shard : run.view().shards()) {
      assertThat(shard.getStatus().getInstances())
          .allSatisfy(i -> assertThat(i.getPendingRestart()).isNull());
    }
  }

  @Test
  @Order(4)
  void kubectlRolloutRestartOfOneStatefulSetRollsThatShardOnly() {
    String shard0 = ResourceNames.shard(NAME, 0);
    String shard1 = ResourceNames.shard(NAME, 1);
    Map<String, Set<String>> before = run.uids();
    Kubectl.Result result =
        cluster.kubectl(
            "rollout", "restart", "statefulset/" + ResourceNames.statefulSet(shard0), "-n", NS);
    assertThat(result.ok()).as(result.output()).isTrue();

    Map<String, Set<String>> onlyShard0 = new HashMap<>(before);
    onlyShard0.remove(shard1);
    run.awaitRolledOut(onlyShard0);

    assertThat(run.uids().get(shard1))
        .as("the other shard restarted nothing")
        .isEqualTo(before.get(shard1));
    assertThat(statefulSet(shard0).getSpec().getTemplate().getMetadata().getAnnotations())
        .as("the operator's apply leaves kubectl's annotation alone")
        .containsKey("kubectl.kubernetes.io/restartedAt");
  }

  @Test
  @Order(5)
  void aMajorVersionChangeIsRefusedAndRestartsNothing() throws Exception {
    Map<String, Set<String>> before = run.uids();
    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().setImage("postgres:16.1");
              return c;
            });
    awaitNotReady("MajorUpgradeUnsupported", "spec.postgres.image", "PostgreSQL 16", "run 15");
    assertThat(
            cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "MajorUpgradeUnsupported".equals(e.getReason()))
                .filter(e -> "Warning".equals(e.getType())))
        .isNotEmpty();
    for (int i = 0; i < SHARDS; i++) {
      String shard = ResourceNames.shard(NAME, i);
      assertThat(statefulSetImage(shard))
          .as("the StatefulSet keeps the running image")
          .isEqualTo("postgres:15.6");
    }
    Thread.sleep(3000);
    assertThat(run.uids()).isEqualTo(before);

    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().setImage("postgres:15.6");
              return c;
            });
    run.view().awaitReady(SHARDS, RollingRun.CONVERGE);
    assertThat(run.uids()).as("going back restarts nothing either").isEqualTo(before);
  }

  @Test
  @Order(6)
  void raisingStorageGrowsEveryClaimInPlaceAndRestartsNothing() throws Exception {
    Map<String, Set<String>> before = run.uids();
    Map<String, String> statefulSetUids = new HashMap<>();
    for (int i = 0; i < SHARDS; i++) {
      String shard = ResourceNames.shard(NAME, i);
      statefulSetUids.put(shard, statefulSet(shard).getMetadata().getUid());
    }
    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().getStorage().setSize("2Gi");
              return c;
            });
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (PostgresShard shard : run.view().shards()) {
                var storage = shard.getStatus().getStorage();
                assertThat(storage.getPhase()).isEqualTo("Grown");
                assertThat(storage.getRequested()).isEqualTo("2Gi");
                assertThat(storage.getClaims()).hasSize(REPLICAS + 1);
                assertThat(storage.getClaims())
                    .allSatisfy(c -> assertThat(c.getCapacity()).isEqualTo("2Gi"));
                // what each instance's liveness probe saw with df: here the volumes are
                // directories of this machine (the harness's resizer grows no filesystem), so it
                // is this machine's filesystem, the same for every claim
                assertThat(storage.getClaims())
                    .allSatisfy(
                        c ->
                            assertThat(c.getFilesystemBytes())
                                .isEqualTo(instanceFilesystemBytes(shard, c.getName()))
                                .isPositive());
                StatefulSet sts = statefulSet(shard.getMetadata().getName());
                assertThat(sts.getMetadata().getUid())
                    .as("the StatefulSet was created again")
                    .isNotEqualTo(statefulSetUids.get(shard.getMetadata().getName()));
                assertThat(claimTemplateSize(sts)).isEqualTo("2Gi");
              }
            });
    run.view().awaitReady(SHARDS, RollingRun.CONVERGE);
    assertThat(
            statefulSet(ResourceNames.shard(NAME, 0))
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .as(
            "kubectl's restart annotation carried to the new StatefulSet (else shard 0 rolls again)")
        .containsKey("kubectl.kubernetes.io/restartedAt");
    // a few probe rounds later: nothing was evicted either
    Thread.sleep(3000);
    assertThat(run.uids()).as("no instance restarted").isEqualTo(before);
    for (PostgresShard shard : run.view().shards()) {
      assertThat(shard.getStatus().getRollout().getPhase()).isEqualTo("UpToDate");
    }
  }

  @Test
  @Order(7)
  void loweringStorageIsRefusedAndChangesNothing() throws Exception {
    Map<String, Set<String>> before = run.uids();
    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().getStorage().setSize("1Gi");
              return c;
            });
    awaitNotReady("StorageShrinkRefused", "spec.postgres.storage.size", "cannot shrink");
    for (int i = 0; i < SHARDS; i++) {
      String shard = ResourceNames.shard(NAME, i);
      assertThat(claimTemplateSize(shard)).isEqualTo("2Gi");
    }
    run.view()
        .edit(
            c -> {
              c.getSpec().getPostgres().getStorage().setSize("2Gi");
              return c;
            });
    run.view().awaitReady(SHARDS, RollingRun.CONVERGE);
    assertThat(run.uids()).isEqualTo(before);
  }

  /** Every shard says Ready=False with {@code reason} and a message holding {@code words}. */
  private static Long instanceFilesystemBytes(PostgresShard shard, String claim) {
    return shard.getStatus().getInstances().stream()
        .filter(i -> claim.equals(ResourceNames.DATA_VOLUME + "-" + i.getName()))
        .findFirst()
        .orElseThrow()
        .getDataFilesystemBytes();
  }

  private void awaitNotReady(String reason, String... words) {
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (PostgresShard shard : run.view().shards()) {
                Condition ready =
                    Conditions.find(shard.getStatus().getConditions(), Conditions.READY).get();
                assertThat(ready.getStatus()).isEqualTo("False");
                assertThat(ready.getReason()).isEqualTo(reason);
                assertThat(ready.getMessage()).contains(words);
              }
            });
  }

  private static void assertSafe(RollingRun.Outcome outcome, int restarted) {
    assertThat(outcome.lostAcknowledged()).as("acknowledged writes lost").isZero();
    assertThat(outcome.clientErrors()).as("client errors").isEmpty();
    assertThat(outcome.restartedInstances()).isEqualTo(restarted);
    assertThat(outcome.mostDownInAShard())
        .as("instances of one shard down at once")
        .isLessThanOrEqualTo(1);
  }

  private String claimTemplateSize(String shard) {
    return claimTemplateSize(statefulSet(shard));
  }

  private static String claimTemplateSize(StatefulSet sts) {
    return sts.getSpec()
        .getVolumeClaimTemplates()
        .get(0)
        .getSpec()
        .getResources()
        .getRequests()
        .get("storage")
        .toString();
  }

  private String statefulSetImage(String shard) {
    return statefulSet(shard).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private StatefulSet statefulSet(String shard) {
    return cluster
        .client()
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .withName(ResourceNames.statefulSet(shard))
        .get();
  }

  private void awaitSettingEverywhere(String name, String value) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (PostgresShard shard : run.view().shards()) {
                for (var pod : run.view().pods(shard.getMetadata().getName())) {
                  assertThat(setting(pod.getMetadata().getName(), name))
                      .as("%s on %s", name, pod.getMetadata().getName())
                      .isEqualTo(value);
                }
              }
            });
  }

  private String setting(String pod, String name) throws SQLException {
    try (Connection db = run.view().superuser(pod, "postgres");
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
