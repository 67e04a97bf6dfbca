package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a PostgresShard start a reconcile: a new generation (spec), changed annotations
 * (a switchover request), changed labels or finalizers, or deletion. Status writes, the operator's
 * own included, do not.
 */
public final class ShardUpdateFilter implements OnUpdateFilter<PostgresShard> {

  @Override
  public boolean accept(PostgresShard updated, PostgresShard old) {
    return changed(updated, old);
  }

  /** True when more than status changed: the rule for every resource this operator reconciles. */
  static boolean changed(HasMetadata updated, HasMetadata old) {
    var now = updated.getMetadata();
    var before = old.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || !orEmpty(now.getAnnotations()).equals(orEmpty(before.getAnnotations()))
        || !orEmpty(now.getLabels()).equals(orEmpty(before.getLabels()))
        // JOSDK reconciles again once it added its finalizer (a Cleaner's resource) on this event
        || !Objects.equals(orNone(now.getFinalizers()), orNone(before.getFinalizers()))
        || (now.getDeletionTimestamp() != null && before.getDeletionTimestamp() == null);
  }

  private static List<String> orNone(List<String> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
