package io.pgshard.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.Writer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Failover trials on the local end-to-end harness: the real operator (defaults: probe every 1 s, 3
 * failed probes), a shard of 3 instances whose pods run PostgreSQL 15 as processes, its pooler
 * Deployment's PgBouncer pods behind the pooler Service, and steady writes through that Service.
 * Each trial kills the primary's container with kill -9 (the kubelet restarts it, as Kubernetes
 * does) and measures kill to the first acknowledged write, the acknowledged writes the new primary
 * lacks, and kill to the old instance streaming again. Used by FailoverBenchmark and
 * SyncFailoverTrialsTest.
 */
final class FailoverTrials {

  static final String NS = "bench";
  static final String CLUSTER = "minimal";
  static final String SHARD = ResourceNames.shard(CLUSTER, 0);
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  record Trial(
      int number, double failoverSeconds, int lost, double rejoinSeconds, String from, String to) {}

  private FailoverTrials() {}

  static List<Trial> run(String mode, int trials) throws Exception {
    List<Trial> results = new ArrayList<>();
    Path root = Directories.newRoot("pgbench");
    try (LocalCluster harness = LocalCluster.start(root, Map.of(), line -> {})) {
      KubernetesClient client = harness.client();
      Samples.createOneShard(client, NS, CLUSTER, 2, "sync".equals(mode), TIMEOUT);
      Map<String, String> app = credentials(client, ResourceNames.appSecret(CLUSTER));
      try (Writer writer =
          Writer.start(
              harness.serviceAddress(NS, ResourceNames.pooler(SHARD)),
              app.get("username"),
              app.get("password"),
              "app")) {
        for (int t = 1; t <= trials; t++) {
          results.add(trial(t, harness, writer));
        }
      }
    } finally {
      Directories.delete(root);
    }
    return results;
  }

  static Trial trial(int number, LocalCluster harness, Writer writer) throws Exception {
    KubernetesClient client = harness.client();
    writer.awaitAcknowledged(writer.acknowledged().size() + 50, TIMEOUT);
    String old = primary(client);
    List<Long> ackedBeforeKill = writer.acknowledged();
    long killedAt = System.nanoTime();
    harness.kubelet().kill(NS, old);
    // the process is gone: a write started from now on can only be acknowledged by a new primary
    long deadAt = System.nanoTime();

    await().atMost(TIMEOUT).until(() -> writer.firstAcknowledgedStartedAfter(deadAt).isPresent());
    double failover = (writer.firstAcknowledgedStartedAfter(deadAt).getAsLong() - killedAt) / 1e9;
    await().atMost(TIMEOUT).until(() -> primary(client) != null && !old.equals(primary(client)));
    String promoted = primary(client);
    int lost;
    try (Connection db = superuser(harness, promoted, "app")) {
      lost = Writer.missing(db, ackedBeforeKill).size();
    }
    await().atMost(TIMEOUT).until(() -> streams(harness, promoted, old) && ready(client) == 3);
    double rejoin = (System.nanoTime() - killedAt) / 1e9;
    return new Trial(number, failover, lost, rejoin, old, promoted);
  }

  static boolean streams(LocalCluster harness, String primary, String standby) {
    try (Connection db = superuser(harness, primary, "postgres");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = '"
                    + standby
                    + "'")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (Exception e) {
      return false;
    }
  }

  private static Connection superuser(LocalCluster harness, String pod, String database)
      throws Exception {
    Map<String, String> su = credentials(harness.client(), ResourceNames.superuserSecret(CLUSTER));
    return Jdbc.connect(
        harness.kubelet().podIp(NS, pod), 5432, su.get("username"), su.get("password"), database);
  }

  private static Map<String, String> credentials(KubernetesClient client, String secret) {
    return SecretValues.credentials(client, NS, List.of(secret)).get(secret);
  }

  static String primary(KubernetesClient client) {
    return instances(client).stream()
        .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
        .map(p -> p.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  static long ready(KubernetesClient client) {
    return instances(client).stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count();
  }

  private static List<Pod> instances(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabels(Labels.instanceSelector(CLUSTER, SHARD))
        .list()
        .getItems();
  }
}
