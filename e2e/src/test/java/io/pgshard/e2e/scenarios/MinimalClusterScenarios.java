package io.pgshard.e2e.scenarios;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.operator.api.v1alpha1.ConfigMapKeyRef;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.SchemaSpec;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * samples/minimal.yaml driven by the real operator through a user's life with it, one step after
 * another on the same cluster: apply and write, scale, add a schema and a shard, be refused fewer
 * shards, switch over, lose a primary under load, delete. Run on the real control plane in the
 * production configuration (e2e.cluster.MinimalClusterOnControlPlaneTest); a subclass can run the
 * same steps on another {@link Harness}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class MinimalClusterScenarios {

  protected static final String NS = "demo";
  private static final Duration CONVERGE = Duration.ofMinutes(3);

  private Harness local;
  private ClusterView view;

  /** Starts the level's harness; called once, before the first step. */
  protected abstract Harness startHarness();

  /** Runs a setup step, reporting the harness's state if it fails. */
  protected abstract void orReport(Runnable step);

  @BeforeAll
  void applyMinimal() {
    local = startHarness();
    orReport(
        () -> {
          local.apply(Samples.path("minimal.yaml"), NS);
          view = new ClusterView(local, NS, "minimal");
        });
  }

  @Test
  @Order(1)
  void everyShardBecomesReadyStreamsAndServesTheAppThroughItsPooler() throws Exception {
    view.awaitReady(2, CONVERGE);
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      awaitStreaming(name, 1);
      try (Connection db = view.app(name);
          Statement st = db.createStatement()) {
        st.execute("CREATE TABLE kv (k text PRIMARY KEY, v text)");
        st.execute("INSERT INTO kv VALUES ('shard', '" + name + "')");
        assertThat(single(st, "SELECT v FROM kv WHERE k = 'shard'")).isEqualTo(name);
        assertThat(single(st, "SELECT current_user")).isEqualTo("app");
      }
    }
  }

  @Test
  @Order(2)
  void replicasScaleUpAndDownKeepingTheData() throws Exception {
    view.edit(c -> withReplicas(c, 2));
    for (PostgresShard shard : view.shards()) {
      awaitStreaming(shard.getMetadata().getName(), 2);
    }
    view.awaitReady(2, CONVERGE);

    view.edit(c -> withReplicas(c, 1));
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      await().atMost(CONVERGE).until(() -> view.pods(name).size() == 2);
      awaitStreaming(name, 1);
      // a scaled-away instance's volume stays (whenScaled: Retain)
      assertThat(
              local
                  .client()
                  .persistentVolumeClaims()
                  .inNamespace(NS)
                  .withName(ResourceNames.DATA_VOLUME + "-" + ResourceNames.pod(name, 2))
                  .get())
          .isNotNull();
      try (Connection db = view.app(name);
          Statement st = db.createStatement()) {
        assertThat(single(st, "SELECT v FROM kv WHERE k = 'shard'")).isEqualTo(name);
      }
    }
    view.awaitReady(2, CONVERGE);
  }

  @Test
  @Order(3)
  void aSchemaIsAppliedEverywhereAndANewShardGetsItToo() throws Exception {
    local
        .client()
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("minimal-schema")
                .endMetadata()
                .addToData(
                    "schema.sql",
                    "CREATE TABLE IF NOT EXISTS public.orders (id bigint PRIMARY KEY);")
                .build())
        .create();
    view.edit(
        c -> {
          SchemaSpec schema = new SchemaSpec();
          ConfigMapKeyRef ref = new ConfigMapKeyRef();
          ref.setName("minimal-schema");
          ref.setKey("schema.sql");
          schema.setConfigMapRef(ref);
          c.getSpec().setSchema(schema);
          return c;
        });
    view.edit(
        c -> {
          c.getSpec().setShards(3);
          return c;
        });
    view.awaitReady(3, CONVERGE);
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  Conditions.TRUE.equals(
                      condition(view.shardByName(name), Conditions.SCHEMA_APPLIED)));
      try (Connection db = view.app(name);
          Statement st = db.createStatement()) {
        assertThat(single(st, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"))
            .isEqualTo("app");
      }
    }
    String shardMap =
        local
            .client()
            .configMaps()
            .inNamespace(NS)
            .withName(ResourceNames.shardMap("minimal"))
            .get()
            .getData()
            .values()
            .iterator()
            .next();
    assertThat(shardMap).contains("\"shardCount\" : 3").contains(ResourceNames.shard("minimal", 2));
  }

  @Test
  @Order(4)
  void fewerShardsAreRefusedAndNothingIsDeleted() {
    view.edit(
        c -> {
          c.getSpec().setShards(2);
          return c;
        });
    await()
        .atMost(CONVERGE)
        .until(
            () -> {
              var ready = condition(view.cluster(), Conditions.READY);
              return Conditions.FALSE.equals(ready)
                  && view.cluster().getStatus().getConditions().stream()
                      .anyMatch(
                          c ->
                              "InvalidSpec".equals(c.getReason())
                                  && c.getMessage().contains("spec.shards"));
            });
    List<Event> warnings =
        local.client().v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason()))
            .toList();
    assertThat(warnings).isNotEmpty();
    assertThat(view.shards()).hasSize(3);
    assertThat(view.pods(ResourceNames.shard("minimal", 2))).hasSize(2);

    view.edit(
        c -> {
          c.getSpec().setShards(3);
          return c;
        });
    view.awaitReady(3, CONVERGE);
  }

  @Test
  @Order(5)
  void aPlannedSwitchoverCostsTheClientsNoError() throws Exception {
    String shard = ResourceNames.shard("minimal", 0);
    String before = view.primary(shard);
    String target =
        view.pods(shard).stream()
            .map(p -> p.getMetadata().getName())
            .filter(p -> !p.equals(before))
            .findFirst()
            .orElseThrow();
    Map<String, String> app = view.appCredentials();
    try (Writer writer =
        Writer.start(
            view.pooler(shard), app.get("username"), app.get("password"), view.database())) {
      writer.awaitAcknowledged(50, CONVERGE);
      view.editShard(
          shard,
          s -> {
            s.getMetadata().getAnnotations().put(Labels.SWITCHOVER_TO, target);
            return s;
          });
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  target.equals(view.primary(shard))
                      && Conditions.TRUE.equals(
                          condition(view.shardByName(shard), Conditions.SWITCHOVER_COMPLETED)));
      long acked = writer.acknowledged().size();
      writer.awaitAcknowledged(acked + 50, CONVERGE);
      assertThat(writer.errors()).isEmpty();
    }
    awaitStreaming(shard, 1);
  }

  @Test
  @Order(6)
  void aKilledPrimaryUnderSyncLoadIsReplacedWithoutLosingAnAcknowledgedWrite() throws Exception {
    view.edit(
        c -> {
          c.getSpec().getReplication().setMode(ReplicationMode.SYNC);
          return c;
        });
    String shard = ResourceNames.shard("minimal", 1);
    String old = view.primary(shard);
    await()
        .atMost(CONVERGE)
        .ignoreExceptions()
        .until(
            () ->
                "quorum".equals(query(old, "SELECT sync_state FROM pg_stat_replication LIMIT 1")));
    Map<String, String> app = view.appCredentials();
    List<Long> acked;
    try (Writer writer =
        Writer.start(
            view.pooler(shard), app.get("username"), app.get("password"), view.database())) {
      writer.awaitAcknowledged(100, CONVERGE);
      local.kubelet().kill(NS, old);
      await()
          .atMost(CONVERGE)
          .until(() -> view.primary(shard) != null && !old.equals(view.primary(shard)));
      long ackedAtPromotion = writer.acknowledged().size();
      writer.awaitAcknowledged(ackedAtPromotion + 100, CONVERGE);
      acked = writer.acknowledged();
    }
    String promoted = view.primary(shard);
    try (Connection db = view.superuser(promoted, view.database())) {
      assertThat(Writer.missing(db, acked)).isEmpty();
    }
    // the old primary comes back as a standby of the new one
    awaitStreaming(shard, 1);
    assertThat(query(promoted, "SELECT application_name FROM pg_stat_replication LIMIT 1"))
        .isEqualTo(old);
    view.awaitReady(3, CONVERGE);
  }

  @Test
  @Order(7)
  void deletingTheClusterRemovesWhatItOwnsButKeepsTheVolumes() {
    List<String> claims =
        local.client().persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
            .map(c -> c.getMetadata().getName())
            .toList();
    assertThat(claims).hasSize(8);
    local.client().resources(ShardedCluster.class).inNamespace(NS).withName("minimal").delete();
    var client = local.client();
    // what the cluster owns, by its label (a real namespace holds other Secrets too)
    List<Class<? extends HasMetadata>> owned =
        List.of(
            PostgresShard.class,
            StatefulSet.class,
            Deployment.class,
            Pod.class,
            Service.class,
            Secret.class);
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                owned.stream()
                    .allMatch(
                        kind ->
                            client
                                .resources(kind)
                                .inNamespace(NS)
                                .withLabel(Labels.CLUSTER, "minimal")
                                .list()
                                .getItems()
                                .isEmpty()));
    // every process of every pod that ran here has stopped
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                local.kubelet().podsSeen().stream()
                    .filter(pod -> pod.startsWith(NS + "/"))
                    .allMatch(
                        pod ->
                            local.kubelet().process(NS, pod.substring(NS.length() + 1), null)
                                == null));
    for (String claim : claims) {
      assertThat(local.client().persistentVolumeClaims().inNamespace(NS).withName(claim).get())
          .isNotNull();
      assertThat(local.kubelet().claimDir(NS, claim).resolve("pgdata/PG_VERSION")).exists();
    }
  }

  private void awaitStreaming(String shard, int standbys) {
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                Integer.parseInt(
                        query(
                            view.primary(shard),
                            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                    == standbys);
  }

  private String query(String pod, String sql) throws SQLException {
    try (Connection db = view.superuser(pod, "postgres");
        Statement st = db.createStatement()) {
      return single(st, sql);
    }
  }

  private static String condition(io.fabric8.kubernetes.api.model.HasMetadata o, String type) {
    List<io.fabric8.kubernetes.api.model.Condition> conditions =
        o instanceof ShardedCluster c
            ? c.getStatus().getConditions()
            : ((PostgresShard) o).getStatus().getConditions();
    return conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(io.fabric8.kubernetes.api.model.Condition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private static ShardedCluster withReplicas(ShardedCluster c, int replicas) {
    c.getSpec().setReplicas(replicas);
    return c;
  }
}
