package io.pgshard.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.e2e.harness.LocalCluster;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Samples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The opt-in: with {@code spec.postgres.storage.deleteClaimsWithCluster: true}, deleting the
 * ShardedCluster deletes its claims too, and with them the data directories.
 */
class DeleteWithClaimsScenarioTest {

  private static final String NS = "scratch";
  private static final Duration CONVERGE = Duration.ofMinutes(3);

  @RegisterExtension final Harnessed harness = new Harnessed();

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void deletingAClusterThatOptedInDeletesItsVolumes() {
    LocalCluster local = harness.start(Map.of());
    ShardedCluster cluster = Samples.cluster(local.client(), "minimal.yaml");
    cluster.getMetadata().setNamespace(NS);
    cluster.getSpec().setShards(1);
    cluster.getSpec().getPostgres().getStorage().setDeleteClaimsWithCluster(true);
    local.client().resource(cluster).create();
    ClusterView view = new ClusterView(local, NS, "minimal");
    view.awaitReady(1, CONVERGE);
    String shard = ResourceNames.shard("minimal", 0);
    List<Path> dataDirs =
        List.of(0, 1).stream()
            .map(
                i ->
                    local
                        .kubelet()
                        .claimDir(
                            NS, ResourceNames.DATA_VOLUME + "-" + ResourceNames.pod(shard, i)))
            .toList();
    assertThat(dataDirs).allSatisfy(d -> assertThat(d.resolve("pgdata/PG_VERSION")).exists());

    local.client().resource(view.cluster()).delete();
    await()
        .atMost(CONVERGE)
        .until(
            () ->
                local.client().persistentVolumeClaims().inNamespace(NS).list().getItems().isEmpty()
                    && local.client().pods().inNamespace(NS).list().getItems().isEmpty());
    await()
        .atMost(CONVERGE)
        .untilAsserted(() -> assertThat(dataDirs).allSatisfy(d -> assertThat(d).doesNotExist()));
  }
}
