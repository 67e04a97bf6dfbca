package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;

/**
 * Writes a status with the resourceVersion the reconcile read, so that a status computed from a
 * cache that lags the server gets 409 Conflict and the reconcile is retried on fresh data. (A JSON
 * Patch computed against a lagging cache applies its index-based list operations to the wrong
 * elements: seen on the mock, duplicated instances.)
 */
final class StatusWriter {

  /**
   * The status is applied by a field manager of its own: Kubernetes before 1.22 keeps one set of
   * fields per manager for the object and its status together, so an apply of the status alone by
   * the manager that applied the finalizer dropped the finalizer from its set (seen on 1.20: the
   * finalizer's owner disappeared from managedFields).
   */
  static final String STATUS_MANAGER_SUFFIX = "-status";

  private StatusWriter() {}

  /** PUT on the status subresource: for the operator's own PostgresShards. */
  static <R extends HasMetadata> UpdateControl<R> replace(Context<R> context, R resource) {
    context.getClient().resource(resource).updateStatus();
    return UpdateControl.noUpdate();
  }

  /**
   * The user's ShardedCluster: with server-side apply on, an apply of the status alone, so that the
   * operator's field manager owns the status and nothing else. A PUT carries the whole object, and
   * Kubernetes before 1.22 records the writer as owner of every field nobody owned yet, among them
   * the spec fields the schema defaulted; a user's later server-side apply of those (kubectl
   * --server-side, Argo CD) would then conflict with the operator. The resourceVersion in the
   * applied object keeps the optimistic concurrency of a replace.
   */
  static UpdateControl<ShardedCluster> applyStatus(
      Context<ShardedCluster> context, ShardedCluster cluster) {
    var configuration = context.getControllerConfiguration();
    if (!configuration.getConfigurationService().useSSAToPatchPrimaryResource()) {
      return replace(context, cluster);
    }
    ShardedCluster patch = new ShardedCluster();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(cluster.getMetadata().getName())
            .withNamespace(cluster.getMetadata().getNamespace())
            .withResourceVersion(cluster.getMetadata().getResourceVersion())
            .build());
    patch.setStatus(cluster.getStatus());
    context
        .getClient()
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withFieldManager(configuration.fieldManager() + STATUS_MANAGER_SUFFIX)
                .withForce(true)
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .build());
    return UpdateControl.noUpdate();
  }
}
