package io.pgshard.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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

  @Override
  protected ShardedClusterSpec initSpec() {
    return new ShardedClusterSpec();
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
