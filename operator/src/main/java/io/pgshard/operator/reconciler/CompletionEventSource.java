package io.pgshard.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.Set;

/**
 * Work the reconcile hands to other threads (partition maintenance) reports its end here, and the
 * shard is reconciled to publish the result.
 */
final class CompletionEventSource extends AbstractEventSource<Void, PostgresShard> {

  CompletionEventSource(String name) {
    super(Void.class, name);
  }

  void completed(ResourceID shard) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(shard));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(PostgresShard shard) {
    return Set.of();
  }
}
