package io.pgshard.operator.testing;

import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.ShardControl;
import io.pgshard.operator.model.ResourceNames;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link ShardControl} on a {@link LocalShard}: the primary label is where the rw Service proxy
 * points, deleting a pod stops its process (a test restarts it, as the StatefulSet would), and the
 * recorded target and promotions stay in memory.
 */
public final class LocalShardControl implements ShardControl {

  private final LocalShard shard;
  private final String shardName;
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final List<FailoverDecision.Promote> promotions = new CopyOnWriteArrayList<>();
  private volatile String labelledPrimary;
  private volatile String target;

  public LocalShardControl(LocalShard shard, String shardName, String labelledPrimary) {
    this.shard = shard;
    this.shardName = shardName;
    this.labelledPrimary = labelledPrimary;
  }

  public String labelledPrimary() {
    return labelledPrimary;
  }

  public String target() {
    return target;
  }

  public boolean podExists(String pod) {
    return pod != null && !deleted.contains(pod);
  }

  public List<FailoverDecision.Promote> promotions() {
    return promotions;
  }

  /** The StatefulSet recreated the pod. */
  public void podRecreated(String pod) {
    deleted.remove(pod);
  }

  @Override
  public void recordTarget(String pod) {
    target = pod;
  }

  @Override
  public void removePrimaryLabel(String pod) {
    if (pod.equals(labelledPrimary)) {
      labelledPrimary = null;
      shard.pointRwAt(null);
    }
  }

  @Override
  public void deletePod(String pod, boolean immediately) {
    LocalPod process = shard.pod(ResourceNames.ordinalOf(shardName, pod));
    if (process != null && process.isAlive()) {
      process.close();
    }
    deleted.add(pod);
  }

  @Override
  public void labelPrimary(String pod) {
    labelledPrimary = pod;
    shard.pointRwAt(ResourceNames.ordinalOf(shardName, pod));
  }

  @Override
  public void recordPromotion(FailoverDecision.Promote promotion, long promotedAtMillis) {
    promotions.add(promotion);
    target = null;
  }
}
