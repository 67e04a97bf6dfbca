package io.pgshard.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.testing.LocalKubelet;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs failover trials on the real operator (defaults: probe every 1 s, 3 failed probes) against
 * the mock API server, with a shard of 3 instances as PostgreSQL 15 processes, PgBouncer 1.18 in
 * front and steady writes through it. Each trial kills the current primary's node (its whole
 * process tree, no restart until the operator fences it) and measures kill to the first
 * acknowledged write, the acknowledged writes the new primary lacks, and kill to the old instance
 * streaming again. Used by FailoverBenchmark and SyncFailoverTrialsTest.
 */
final class FailoverTrials {

  static final String NS = "bench";
  static final String SHARD = "minimal-shard-0";
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  record Trial(
      int number, double failoverSeconds, int lost, double rejoinSeconds, String from, String to) {}

  private FailoverTrials() {}

  static List<Trial> run(String mode, int trials) throws Exception {
    List<Trial> results = new ArrayList<>();
    try (MockKubernetes kube = MockKubernetes.start();
        LocalShards shards = new LocalShards()) {
      KubernetesClient client = kube.client();
      kube.startOperator(Clock.systemUTC(), Map.of("PGSHARD_INSTANCE_MONITOR", "true"));
      ShardedCluster cluster = Samples.cluster(client, "minimal.yaml");
      cluster.getMetadata().setNamespace(NS);
      cluster.getSpec().setShards(1);
      cluster.getSpec().setReplicas(2);
      if ("sync".equals(mode)) {
        cluster.getSpec().getReplication().setMode(ReplicationMode.SYNC);
        cluster.getSpec().getReplication().setSyncReplicas(1);
      }
      client.resource(cluster).create();
      await()
          .atMost(TIMEOUT)
          .until(() -> shard(client) != null && secret(client, "minimal-app") != null);

      LocalShard local =
          shards.adopt(
              shard(client),
              SecretValues.credentials(
                  client, NS, List.of("minimal-superuser", "minimal-replication", "minimal-app")));
      try (LocalKubelet kubelet = new LocalKubelet(client, NS, SHARD, local)) {
        for (int i = 0; i < 3; i++) {
          kubelet.start(i);
        }
        await().atMost(TIMEOUT).until(() -> primary(client) != null && ready(client) == 3);
        local.startPooler(primary(client));
        try (Writer writer =
            Writer.start(local.poolerIp(), local.secret("minimal-app").get("password"))) {
          for (int t = 1; t <= trials; t++) {
            results.add(trial(t, client, local, kubelet, writer));
          }
        }
      }
    }
    return results;
  }

  static Trial trial(
      int number, KubernetesClient client, LocalShard local, LocalKubelet kubelet, Writer writer)
      throws Exception {
    writer.awaitAcknowledged(writer.acknowledged().size() + 50, TIMEOUT);
    int old = primary(client);
    List<Long> ackedBeforeKill = writer.acknowledged();
    long killedAt = System.nanoTime();
    kubelet.crash(old);
    // the process is gone: a write started from now on can only be acknowledged by a new primary
    long deadAt = System.nanoTime();

    await().atMost(TIMEOUT).until(() -> writer.firstAcknowledgedStartedAfter(deadAt).isPresent());
    double failover = (writer.firstAcknowledgedStartedAfter(deadAt).getAsLong() - killedAt) / 1e9;
    await().atMost(TIMEOUT).until(() -> primary(client) != null && primary(client) != old);
    int promoted = primary(client);
    int lost;
    try (Connection db = local.superuser(promoted, "app")) {
      lost = Writer.missing(db, ackedBeforeKill).size();
    }
    await().atMost(TIMEOUT).until(() -> streams(local, promoted, old) && ready(client) == 3);
    double rejoin = (System.nanoTime() - killedAt) / 1e9;
    return new Trial(number, failover, lost, rejoin, SHARD + "-" + old, SHARD + "-" + promoted);
  }

  static boolean streams(LocalShard local, int primary, int standby) {
    try (Connection db = local.superuser(primary, "postgres");
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = '"
                    + SHARD
                    + "-"
                    + standby
                    + "'")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (Exception e) {
      return false;
    }
  }

  static PostgresShard shard(KubernetesClient client) {
    return client.resources(PostgresShard.class).inNamespace(NS).withName(SHARD).get();
  }

  static Secret secret(KubernetesClient client, String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  static Integer primary(KubernetesClient client) {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> Labels.ROLE_PRIMARY.equals(p.getMetadata().getLabels().get(Labels.ROLE)))
        .map(p -> Integer.parseInt(p.getMetadata().getName().substring(SHARD.length() + 1)))
        .findFirst()
        .orElse(null);
  }

  static long ready(KubernetesClient client) {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count();
  }
}
