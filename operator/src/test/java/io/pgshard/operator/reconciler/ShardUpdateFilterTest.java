package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterStatus;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.testing.TestClusters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardUpdateFilterTest {

  final ShardUpdateFilter filter = new ShardUpdateFilter();

  static PostgresShard copy(PostgresShard shard) {
    return Serialization.clone(shard);
  }

  @Test
  void aStatusWriteDoesNotStartAReconcile() {
    PostgresShard old = TestClusters.shard(0);
    PostgresShard updated = copy(old);
    updated.setStatus(new PostgresShardStatus());
    updated.getStatus().setPhase("Ready");
    updated.getMetadata().setResourceVersion("42");
    assertThat(filter.accept(updated, old)).isFalse();
  }

  @Test
  void aSwitchoverRequestASpecChangeAndDeletionDo() {
    PostgresShard old = TestClusters.shard(0);

    PostgresShard annotated = copy(old);
    annotated.getMetadata().setAnnotations(Map.of(Labels.SWITCHOVER_TO, "orders-shard-0-1"));
    assertThat(filter.accept(annotated, old)).isTrue();

    PostgresShard respecced = copy(old);
    respecced.getMetadata().setGeneration(2L);
    assertThat(filter.accept(respecced, old)).isTrue();

    PostgresShard deleted = copy(old);
    deleted.getMetadata().setDeletionTimestamp("2026-11-21T10:00:00Z");
    assertThat(filter.accept(deleted, old)).isTrue();
  }

  @Test
  void noAnnotationsAndAnEmptyMapAreTheSame() {
    PostgresShard old = TestClusters.shard(0);
    old.getMetadata().setAnnotations(null);
    PostgresShard updated = copy(old);
    updated.getMetadata().setAnnotations(Map.of());
    assertThat(filter.accept(updated, old)).isFalse();
  }

  @Test
  void aRestorePointRequestOnTheClusterStartsItsReconcileAndItsStatusWriteDoesNot() {
    ClusterUpdateFilter clusters = new ClusterUpdateFilter();
    ShardedCluster old = TestClusters.cluster(2, spec -> {});
    ShardedCluster requested = Serialization.clone(old);
    requested.getMetadata().setAnnotations(Map.of(Labels.RESTORE_POINT, "before-migration"));
    assertThat(clusters.accept(requested, old)).isTrue();

    // JOSDK adds the cleanup finalizer, then waits for that update to reconcile the new cluster
    ShardedCluster finalized = Serialization.clone(old);
    finalized.getMetadata().setFinalizers(List.of("shardedclusters.pgshard.io/finalizer"));
    assertThat(clusters.accept(finalized, old)).isTrue();

    ShardedCluster written = Serialization.clone(requested);
    written.setStatus(new ShardedClusterStatus());
    written.getStatus().setPhase("Ready");
    assertThat(clusters.accept(written, requested)).isFalse();
  }
}
