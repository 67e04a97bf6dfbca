package io.pgshard.operator.status;

/** Condition and event reasons (CamelCase, stable: tools match on them). */
public final class Reasons {

  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String AWAITING_PRIMARY = "AwaitingPrimary";
  public static final String NO_PRIMARY = "NoPrimary";
  public static final String PRIMARY_NOT_READY = "PrimaryNotReady";
  public static final String INSTANCES_NOT_READY = "InstancesNotReady";
  public static final String POOLER_NOT_READY = "PoolerNotReady";
  public static final String SHARDS_NOT_READY = "ShardsNotReady";
  public static final String SHARDS_PENDING = "ShardsPending";
  public static final String ALL_READY = "AllReady";
  public static final String CREATING = "Creating";
  public static final String SCALING = "Scaling";
  public static final String STABLE = "Stable";
  public static final String AS_EXPECTED = "AsExpected";
  public static final String NO_PARTITIONS = "NoPartitions";
  public static final String PENDING = "Pending";
  public static final String MAINTAINED = "Maintained";
  public static final String HASH_RANGES_CHANGED = "HashRangesChanged";
  public static final String OBJECTS_NOT_APPLIED = "ObjectsNotApplied";
  public static final String MAJOR_UPGRADE_UNSUPPORTED = "MajorUpgradeUnsupported";
  public static final String STORAGE_SHRINK_REFUSED = "StorageShrinkRefused";

  private Reasons() {}
}
