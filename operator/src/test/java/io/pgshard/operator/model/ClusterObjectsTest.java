package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.TestClusters;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ShardedCluster's children: PostgresShards, Secrets and the shard map. */
class ClusterObjectsTest {

  @Test
  void eachPostgresShardGetsItsIndexHashRangeAndACopyOfTheTemplate() {
    ShardedCluster cluster =
        TestClusters.cluster(
            4,
            s -> {
              s.setReplicas(2);
              s.getPostgres().setParameters(new java.util.HashMap<>(Map.of("work_mem", "16MB")));
            });
    PostgresShard shard = PostgresShardModel.desired(cluster, 2);
    assertThat(shard.getMetadata().getName()).isEqualTo("orders-shard-2");
    assertThat(shard.getSpec().getIndex()).isEqualTo(2);
    assertThat(shard.getSpec().getClusterName()).isEqualTo("orders");
    assertThat(shard.getSpec().getHashRange())
        .containsExactly("8000000000000000", "c000000000000000");
    assertThat(shard.getSpec().getReplicas()).isEqualTo(2);
    assertThat(shard.getSpec().getPostgres().getParameters()).containsEntry("work_mem", "16MB");
    assertThat(shard.getSpec().getSecrets().getApp()).isEqualTo("orders-app");
    assertThat(shard.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(cluster.getMetadata().getUid()));

    cluster.getSpec().getPostgres().getParameters().put("work_mem", "1GB");
    assertThat(shard.getSpec().getPostgres().getParameters())
        .as("a deep copy")
        .containsEntry("work_mem", "16MB");
  }

  @Test
  void generatedSecretsHaveLongRandomPasswordsAndTheExpectedUsers() {
    ShardedCluster cluster = TestClusters.cluster(2, s -> s.getDatabase().setOwner("shop"));
    SecureRandom random = new SecureRandom();
    Secret app = ClusterSecretModel.generated(cluster, ClusterSecretModel.Kind.APP, random);
    Secret superuser =
        ClusterSecretModel.generated(cluster, ClusterSecretModel.Kind.SUPERUSER, random);
    assertThat(app.getType()).isEqualTo("kubernetes.io/basic-auth");
    assertThat(app.getStringData())
        .containsEntry("username", "shop")
        .containsEntry("dbname", "app");
    assertThat(superuser.getStringData()).containsEntry("username", "postgres");
    assertThat(superuser.getStringData().get("password")).hasSize(32).matches("[A-Za-z0-9]+");
    assertThat(app.getStringData().get("password"))
        .isNotEqualTo(superuser.getStringData().get("password"));
    assertThat(
            ClusterSecretModel.generated(cluster, ClusterSecretModel.Kind.REPLICATION, random)
                .getMetadata()
                .getName())
        .isEqualTo("orders-replication");
  }

  @Test
  void theShardMapNamesTheHashFunctionRangesAndEndpoints() throws Exception {
    JsonNode map = shardMap(TestClusters.cluster(4, s -> {}));
    assertThat(map.get("hashFunction").asText()).isEqualTo(HashRanges.HASH_FUNCTION);
    assertThat(map.get("shardCount").asInt()).isEqualTo(4);
    JsonNode last = map.get("shards").get(3);
    assertThat(last.get("name").asText()).isEqualTo("orders-shard-3");
    assertThat(last.get("hashRange").get("start").asText()).isEqualTo("c000000000000000");
    assertThat(last.get("hashRange").get("end").asText()).isEqualTo("10000000000000000");
    assertThat(last.get("rw").asText()).isEqualTo("orders-shard-3-rw.shop.svc:5432");
    assertThat(last.get("ro").asText()).isEqualTo("orders-shard-3-ro.shop.svc:5432");
    assertThat(last.get("pooler").asText()).isEqualTo("orders-shard-3-pooler.shop.svc:5432");
  }

  @Test
  void theShardMapHasNoPoolerEndpointWhenThePoolerIsOffAndIsStableAcrossRenders() throws Exception {
    ShardedCluster cluster = TestClusters.cluster(2, s -> s.getPooler().setEnabled(false));
    assertThat(shardMap(cluster).get("shards").get(0).get("pooler").isNull()).isTrue();
    assertThat(ShardMapModel.json(cluster)).isEqualTo(ShardMapModel.json(cluster));
  }

  static JsonNode shardMap(ShardedCluster cluster) throws Exception {
    return new ObjectMapper()
        .readTree(ShardMapModel.desired(cluster).getData().get(ShardMapModel.KEY));
  }
}
