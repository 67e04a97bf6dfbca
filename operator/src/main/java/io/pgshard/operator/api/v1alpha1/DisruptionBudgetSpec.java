package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The PodDisruptionBudget of each shard's instances. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DisruptionBudgetSpec {

  @JsonPropertyDescription("Create a PodDisruptionBudget (maxUnavailable 1) per shard.")
  @Default("true")
  private boolean enabled = true;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }
}
