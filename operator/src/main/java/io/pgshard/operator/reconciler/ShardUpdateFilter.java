package io.pgshard.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a PostgresShard start a reconcile: a new generation (spec), changed annotations
 * (a switchover request), changed labels, or deletion. Status writes, the operator's own included,
 * do not.
 */
public final class ShardUpdateFilter implements OnUpdateFilter<PostgresShard> {

  @Override
  public boolean accept(PostgresShard updated, PostgresShard old) {
    var now = updated.getMetadata();
    var before = old.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || !orEmpty(now.getAnnotations()).equals(orEmpty(before.getAnnotations()))
        || !orEmpty(now.getLabels()).equals(orEmpty(before.getLabels()))
        || (now.getDeletionTimestamp() != null && before.getDeletionTimestamp() == null);
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
