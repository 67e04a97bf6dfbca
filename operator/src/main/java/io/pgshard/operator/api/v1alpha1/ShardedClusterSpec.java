package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** What a user asks for: N shards, each a replicated PostgreSQL cluster with a pooler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardedClusterSpec extends ShardTemplateSpec {

  @JsonPropertyDescription(
      "Number of shards. Raising it adds empty shards; lowering it is refused (data is never dropped by a spec edit).")
  @Required
  @Min(1)
  @Max(256)
  private int shards = 1;

  public int getShards() {
    return shards;
  }

  public void setShards(int shards) {
    this.shards = shards;
  }
}
