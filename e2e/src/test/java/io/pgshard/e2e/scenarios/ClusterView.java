package io.pgshard.e2e.scenarios;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardStatefulSetModel;
import io.pgshard.operator.testing.Conflicts;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.SecretValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a user of one ShardedCluster on the local harness sees and does: its status, its shards and
 * pods, connections through each shard's pooler Service with the generated app credentials, and
 * spec edits.
 */
public final class ClusterView {

  private final Harness harness;
  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  public ClusterView(Harness harness, String namespace, String name) {
    this.harness = harness;
    this.client = harness.client();
    this.namespace = namespace;
    this.name = name;
  }

  /**
   * A ShardedCluster manifest up to its pooler (on): {@code shards} shards of {@code replicas}
   * standbys, {@code image}, 1Gi claims, and {@code postgresExtra} (YAML under spec.postgres, may
   * be empty). Callers append the rest of the spec.
   */
  public static String manifest(
      String name, int shards, int replicas, String image, String postgresExtra) {
    return "apiVersion: pgshard.io/v1alpha1\n"
        + "kind: ShardedCluster\n"
        + "metadata:\n"
        + "  name: "
        + name
        + "\n"
        + "spec:\n"
        + "  shards: "
        + shards
        + "\n"
        + "  replicas: "
        + replicas
        + "\n"
        + "  postgres:\n"
        + "    image: "
        + image
        + "\n"
        + "    storage:\n"
        + "      size: 1Gi\n"
        + postgresExtra
        + "  pooler:\n"
        + "    enabled: true\n";
  }

  public String namespace() {
    return namespace;
  }

  public ShardedCluster cluster() {
    return client.resources(ShardedCluster.class).inNamespace(namespace).withName(name).get();
  }

  public PostgresShard shard(int index) {
    return client
        .resources(PostgresShard.class)
        .inNamespace(namespace)
        .withName(ResourceNames.shard(name, index))
        .get();
  }

  public PostgresShard shardByName(String shard) {
    return client.resources(PostgresShard.class).inNamespace(namespace).withName(shard).get();
  }

  public List<PostgresShard> shards() {
    return client.resources(PostgresShard.class).inNamespace(namespace).list().getItems().stream()
        .filter(s -> name.equals(s.getMetadata().getLabels().get(Labels.CLUSTER)))
        .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
        .toList();
  }

  /** Waits until the cluster says Ready with {@code shards} shards, all Ready. */
  public void awaitReady(int shards, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              ShardedCluster c = cluster();
              return c.getStatus() != null
                  && "Ready".equals(c.getStatus().getPhase())
                  && (shards + "/" + shards).equals(c.getStatus().getReadyShards());
            });
  }

  /** The shard's PostgreSQL pods, by name. */
  public List<Pod> pods(String shard) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabels(Labels.instanceSelector(name, shard))
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /** The pod labelled primary in {@code shard}, or null. */
  public String primary(String shard) {
    return pods(shard).stream()
        .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
        .map(p -> p.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  public Map<String, String> appCredentials() {
    return SecretValues.credentials(client, namespace, List.of(ResourceNames.appSecret(name)))
        .get(ResourceNames.appSecret(name));
  }

  public String database() {
    return cluster().getSpec().getDatabase().getName();
  }

  /** The address of {@code shard}'s pooler Service (port 5432). */
  public String pooler(String shard) {
    return harness.serviceAddress(namespace, ResourceNames.pooler(shard));
  }

  /** A connection as the application through {@code shard}'s pooler. */
  public Connection app(String shard) throws SQLException {
    Map<String, String> app = appCredentials();
    return connect(pooler(shard), app.get("username"), app.get("password"), database());
  }

  /** A superuser connection straight to a pod, as {@code kubectl exec psql} would give. */
  public Connection superuser(String pod, String database) throws SQLException {
    Map<String, String> su =
        SecretValues.credentials(client, namespace, List.of(ResourceNames.superuserSecret(name)))
            .get(ResourceNames.superuserSecret(name));
    return connect(
        harness.kubelet().podIp(namespace, pod), su.get("username"), su.get("password"), database);
  }

  public static Connection connect(String host, String user, String password, String database)
      throws SQLException {
    return Jdbc.connect(host, ShardStatefulSetModel.POSTGRES_PORT, user, password, database);
  }

  /**
   * Edits the ShardedCluster as {@code kubectl edit} does: read, change, write back whole (a JSON
   * patch would name fields the mock API server never defaulted), again after a 409.
   */
  public void edit(UnaryOperator<ShardedCluster> edit) {
    Conflicts.retry(() -> client.resource(edit.apply(cluster())).update());
  }

  /** As {@link #edit}, for a PostgresShard. */
  public void editShard(String shard, UnaryOperator<PostgresShard> edit) {
    Conflicts.retry(() -> client.resource(edit.apply(shardByName(shard))).update());
  }
}
