package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The application database created on every shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseSpec {

  @JsonPropertyDescription("Name of the application database.")
  @Default("app")
  @Pattern("^[a-z_][a-z0-9_]{0,62}$")
  private String name = "app";

  @JsonPropertyDescription(
      "Role that owns the application database; its credentials are in the <cluster>-app Secret.")
  @Default("app")
  @Pattern("^[a-z_][a-z0-9_]{0,62}$")
  private String owner = "app";

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getOwner() {
    return owner;
  }

  public void setOwner(String owner) {
    this.owner = owner;
  }
}
