package io.pgshard.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Work the reconcile hands to other threads (partition maintenance) reports its end here, and the
 * shard is reconciled to publish the result.
 */
final class CompletionEventSource extends AbstractEventSource<Void, PostgresShard>
    implements ResourceEventAware<PostgresShard> {

  private final Consumer<ResourceID> onDeleted;

  /** {@code onDeleted}: lets go of what the work kept for a shard that was deleted. */
  CompletionEventSource(String name, Consumer<ResourceID> onDeleted) {
    super(Void.class, name);
    this.onDeleted = onDeleted;
  }

  @Override
  public void onResourceDeleted(PostgresShard shard) {
    onDeleted.accept(ResourceID.fromResource(shard));
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
