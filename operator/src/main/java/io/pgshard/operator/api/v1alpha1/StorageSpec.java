package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.generator.annotation.Pattern;

/** Persistent storage of one PostgreSQL instance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @JsonPropertyDescription(
      "Size of each instance's volume claim, as a Kubernetes quantity (for example 10Gi).")
  @Default("1Gi")
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  private String size = "1Gi";

  @JsonPropertyDescription("StorageClass of the volume claims; the cluster default when absent.")
  @Nullable
  private String storageClassName;

  @JsonPropertyDescription(
      "Delete the instances' volume claims (and so their data) when the ShardedCluster is deleted. Off by default: claims outlive the cluster.")
  @Default("false")
  private boolean deleteClaimsWithCluster = false;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public boolean isDeleteClaimsWithCluster() {
    return deleteClaimsWithCluster;
  }

  public void setDeleteClaimsWithCluster(boolean deleteClaimsWithCluster) {
    this.deleteClaimsWithCluster = deleteClaimsWithCluster;
  }
}
