package io.pgshard.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.testing.TestClusters;
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
}
