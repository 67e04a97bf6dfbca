package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** SQL applied once to each shard's primary after initialization. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchemaSpec {

  @JsonPropertyDescription("ConfigMap key holding the schema SQL.")
  @Required
  private ConfigMapKeyRef configMapRef;

  public ConfigMapKeyRef getConfigMapRef() {
    return configMapRef;
  }

  public void setConfigMapRef(ConfigMapKeyRef configMapRef) {
    this.configMapRef = configMapRef;
  }
}
