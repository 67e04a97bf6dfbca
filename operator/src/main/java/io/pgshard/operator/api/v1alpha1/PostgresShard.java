package io.pgshard.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One shard of a {@link ShardedCluster}: a replicated PostgreSQL cluster. Created and owned by the
 * ShardedCluster reconciler; users may read it, edits are overwritten.
 */
@Group(ShardedCluster.GROUP)
@Version(ShardedCluster.VERSION)
@ShortNames({"pgsh", "pgshard"})
@AdditionalPrinterColumn(
    name = "Index",
    jsonPath = ".spec.index",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Instances",
    jsonPath = ".status.desiredInstances",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyInstances",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Primary",
    jsonPath = ".status.currentPrimary",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class PostgresShard extends CustomResource<PostgresShardSpec, PostgresShardStatus>
    implements Namespaced {

  /**
   * No spec on an instance made in code: JOSDK builds its server-side apply patches (the finalizer)
   * from a fresh instance, and a defaulted spec there, applied with force, would take every spec
   * field from the user and write the defaults over their values.
   */
  @Override
  protected PostgresShardSpec initSpec() {
    return null;
  }

  /** Required by the schema: an object without a spec is refused at apply time. */
  @Override
  @Required
  public PostgresShardSpec getSpec() {
    return super.getSpec();
  }

  /**
   * No status until the operator writes one: the API server drops status on create (it is a
   * subresource), and a client-side empty status would make JSON patches address a missing object.
   */
  @Override
  protected PostgresShardStatus initStatus() {
    return null;
  }
}
