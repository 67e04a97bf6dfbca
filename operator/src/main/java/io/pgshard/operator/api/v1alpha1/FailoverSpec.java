package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Automatic failover of each shard's primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverSpec {

  @JsonPropertyDescription("Promote a standby automatically when the primary fails.")
  @Default("true")
  private boolean enabled = true;

  @JsonPropertyDescription("How often the operator probes every instance (for example 500ms, 1s).")
  @Default("1s")
  @Pattern("^[1-9][0-9]*(ms|s|m)$")
  private String probeInterval = "1s";

  @JsonPropertyDescription("Consecutive failed probes of the primary before failover starts.")
  @Default("3")
  @Min(1)
  @Max(60)
  private int failureThreshold = 3;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getProbeInterval() {
    return probeInterval;
  }

  public void setProbeInterval(String probeInterval) {
    this.probeInterval = probeInterval;
  }

  public int getFailureThreshold() {
    return failureThreshold;
  }

  public void setFailureThreshold(int failureThreshold) {
    this.failureThreshold = failureThreshold;
  }
}
