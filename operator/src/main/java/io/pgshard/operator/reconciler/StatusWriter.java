package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes a status by replacing it: PUT on the status subresource with the resourceVersion the
 * reconcile read. A JSON Patch computed against a cache that lags the server applies its
 * index-based list operations to the wrong elements (seen on the mock: duplicated instances); a
 * replace either lands whole or gets 409 Conflict, and the reconcile is retried on fresh data.
 */
final class StatusWriter {

  private StatusWriter() {}

  static <R extends HasMetadata> UpdateControl<R> replace(Context<R> context, R resource) {
    context.getClient().resource(resource).updateStatus();
    return UpdateControl.noUpdate();
  }
}
