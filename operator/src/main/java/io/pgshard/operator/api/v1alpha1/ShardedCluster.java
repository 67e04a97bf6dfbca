package io.pgshard.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A sharded PostgreSQL cluster: N shards, each a primary with streaming standbys and a pooler. */
@Group(ShardedCluster.GROUP)
@Version(ShardedCluster.VERSION)
@ShortNames({"pgsc", "shardedcluster"})
@AdditionalPrinterColumn(
    name = "Shards",
    jsonPath = ".spec.shards",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyShards",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ShardedCluster extends CustomResource<ShardedClusterSpec, ShardedClusterStatus>
    implements Namespaced {

  public static final String GROUP = "pgshard.io";
  public static final String VERSION = "v1alpha1";

  /**
   * No spec on an instance made in code: JOSDK builds its server-side apply patches (the finalizer)
   * from a fresh instance, and a defaulted spec there, applied with force, would take every spec
   * field from the user and write the defaults over their values.
   */
  @Override
  protected ShardedClusterSpec initSpec() {
    return null;
  }

  /** Required by the schema: an object without a spec is refused at apply time. */
  @Override
  @Required
  public ShardedClusterSpec getSpec() {
    return super.getSpec();
  }

  /**
   * No status until the operator writes one: the API server drops status on create (it is a
   * subresource), and a client-side empty status would make JSON patches address a missing object.
   */
  @Override
  protected ShardedClusterStatus initStatus() {
    return null;
  }
}
