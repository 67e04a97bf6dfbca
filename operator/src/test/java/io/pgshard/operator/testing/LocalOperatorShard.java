package io.pgshard.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.OperatorMain;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The real operator (instance monitor on) against the mock API server, with one shard whose pods
 * run as real PostgreSQL 15 (and PgBouncer) processes through {@link LocalKubelet}.
 */
public final class LocalOperatorShard implements AutoCloseable {

  public static final String NS = "local";
  public static final String CLUSTER = "minimal";
  public static final String SHARD = "minimal-shard-0";
  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final MockKubernetes kube = MockKubernetes.start();
  private final KubernetesClient client = kube.client();
  private final LocalShards shards = new LocalShards();
  private LocalKubelet kubelet;
  private LocalShard local;
  private OperatorMain operator;

  /**
   * Starts the operator, applies {@code samples/minimal.yaml} with one shard of {@code instances}
   * (customized further by {@code customize}), and runs every instance as a process.
   */
  public static LocalOperatorShard start(int instances, Consumer<ShardedCluster> customize) {
    return start(instances, customize, Map.of());
  }

  /**
   * As {@link #start(int, Consumer)}, with {@code secrets} (name to data) created first, as a user
   * creates the Secrets a spec names (the S3 credentials of spec.backup); the instances see them.
   */
  public static LocalOperatorShard start(
      int instances, Consumer<ShardedCluster> customize, Map<String, Map<String, String>> secrets) {
    LocalOperatorShard s = new LocalOperatorShard();
    try {
      secrets.forEach(
          (name, data) ->
              s.client
                  .resource(
                      new SecretBuilder()
                          .withNewMetadata()
                          .withName(name)
                          .withNamespace(NS)
                          .endMetadata()
                          .withStringData(data)
                          .build())
                  .create());
      s.operator =
          s.kube.startOperator(Clock.systemUTC(), Map.of("PGSHARD_INSTANCE_MONITOR", "true"));
      ShardedCluster cluster = Samples.cluster(s.client, "minimal.yaml");
      cluster.getMetadata().setNamespace(NS);
      cluster.getSpec().setShards(1);
      cluster.getSpec().setReplicas(instances - 1);
      customize.accept(cluster);
      s.client.resource(cluster).create();
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  s.shard() != null
                      && s.configMap(SHARD + "-config") != null
                      // the kubelet starts pods from it
                      && s.client.apps().statefulSets().inNamespace(NS).withName(SHARD).get()
                          != null
                      && s.client.secrets().inNamespace(NS).withName(CLUSTER + "-app").get() != null
                      && s.client
                              .secrets()
                              .inNamespace(NS)
                              .withName(CLUSTER + "-pooler-admin")
                              .get()
                          != null);
      Map<String, Map<String, String>> known =
          new HashMap<>(
              SecretValues.credentials(
                  s.client,
                  NS,
                  List.of(
                      CLUSTER + "-superuser",
                      CLUSTER + "-replication",
                      CLUSTER + "-app",
                      CLUSTER + "-pooler-admin")));
      known.putAll(secrets);
      s.local = s.shards.adopt(s.shard(), known);
      s.kubelet = new LocalKubelet(s.client, NS, SHARD, s.local);
      for (int ordinal = 0; ordinal < instances; ordinal++) {
        s.kubelet.start(ordinal);
      }
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Edits the ShardedCluster as a user would, reading it again when the operator wrote it in
   * between (409 Conflict: the operator writes status while the shard converges).
   */
  public void editCluster(UnaryOperator<ShardedCluster> edit) {
    Conflicts.retry(
        () -> client.resources(ShardedCluster.class).inNamespace(NS).withName(CLUSTER).edit(edit));
  }

  /** As {@link #editCluster}, for the PostgresShard. */
  public void editShard(UnaryOperator<PostgresShard> edit) {
    Conflicts.retry(
        () -> client.resources(PostgresShard.class).inNamespace(NS).withName(SHARD).edit(edit));
  }

  /** The operator's metrics, as /metrics serves them. */
  public String metrics() {
    return operator.registry().scrape();
  }

  public KubernetesClient client() {
    return client;
  }

  public LocalKubelet kubelet() {
    return kubelet;
  }

  public LocalShard local() {
    return local;
  }

  public PostgresShard shard() {
    return client.resources(PostgresShard.class).inNamespace(NS).withName(SHARD).get();
  }

  public ShardedCluster cluster() {
    return client.resources(ShardedCluster.class).inNamespace(NS).withName(CLUSTER).get();
  }

  public ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get();
  }

  public String role(int ordinal) {
    Pod pod = client.pods().inNamespace(NS).withName(SHARD + "-" + ordinal).get();
    return pod == null ? null : pod.getMetadata().getLabels().get(Labels.ROLE);
  }

  public List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Override
  public void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    kube.close();
    shards.close();
  }
}
