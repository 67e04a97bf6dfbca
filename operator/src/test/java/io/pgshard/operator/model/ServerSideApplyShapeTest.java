package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.testing.TestClusters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The objects applied server-side carry nothing the API server does not store as sent: an empty
 * object ({@code resources: {}}, {@code emptyDir: {}}) or a {@code readOnly: false} reads as a
 * difference between applied and stored state at every reconcile, and the operator patched the
 * StatefulSets and pooler Deployments on every pass (seen on a real API server: 130 patches each in
 * four minutes of a healthy cluster).
 */
class ServerSideApplyShapeTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void shardObjectsHoldNoValueTheServerWouldOmit() throws Exception {
    for (PostgresShard shard :
        List.of(
            TestClusters.shard(0, s -> {}),
            TestClusters.shard(
                1,
                s -> {
                  s.setReplicas(2);
                  s.getReplication().setMode(ReplicationMode.SYNC);
                }))) {
      for (HasMetadata object :
          List.<HasMetadata>of(
              ShardStatefulSetModel.desired(shard, ServerCapabilities.CURRENT),
              PoolerDeploymentModel.desired(shard, PoolerConfigMapModel.desired(shard, "postgres")),
              Services.primary(shard),
              Services.replicas(shard),
              Services.pods(shard),
              Services.pooler(shard),
              ShardPodDisruptionBudgetModel.desired(shard),
              ShardPodDisruptionBudgetModel.desiredV1beta1(shard))) {
        List<String> found = new ArrayList<>();
        walk(JSON.readTree(SERIALIZATION.asJson(object)), object.getKind(), found);
        assertThat(found).as(object.getKind() + " " + object.getMetadata().getName()).isEmpty();
      }
    }
  }

  private static void walk(JsonNode node, String path, List<String> found) {
    if (node.isObject()) {
      if (node.isEmpty()) {
        found.add(path + ": {}");
      }
      node.fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), found));
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        found.add(path + ": []");
      }
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", found);
      }
    } else if (path.endsWith(".readOnly") && node.isBoolean() && !node.booleanValue()) {
      found.add(path + ": false");
    }
  }
}
