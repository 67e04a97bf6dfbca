package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.ShardTemplateSpec;
import io.pgshard.operator.failover.FailoverSettings;
import java.time.Duration;

/** The failover part of a shard's spec, in the units the monitor and the policy use. */
public final class FailoverSpecs {

  private FailoverSpecs() {}

  public static FailoverSettings settings(ShardTemplateSpec spec) {
    boolean sync = spec.getReplication().getMode() == ReplicationMode.SYNC;
    return new FailoverSettings(
        spec.getFailover().isEnabled(),
        spec.getFailover().getFailureThreshold(),
        Quantity.getAmountInBytes(new Quantity(spec.getReplication().getMaxLagOnFailover()))
            .longValueExact(),
        sync && spec.getReplicas() > 0 ? spec.getReplication().getSyncReplicas() : 0,
        spec.getReplicas());
  }

  /** {@code 500ms}, {@code 1s}, {@code 2m} (SpecValidator has checked the pattern). */
  public static Duration probeInterval(ShardTemplateSpec spec) {
    String text = spec.getFailover().getProbeInterval();
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return text.endsWith("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
  }
}
