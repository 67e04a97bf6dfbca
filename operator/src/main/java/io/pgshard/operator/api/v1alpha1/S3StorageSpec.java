package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** An S3-compatible bucket and the credentials to write to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3StorageSpec {

  @JsonPropertyDescription(
      "Bucket name (it must exist; the operator never creates or deletes one).")
  @Required
  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  private String bucket;

  @JsonPropertyDescription(
      "Prefix inside the bucket; each cluster writes under <path>/<cluster>/. Empty: the bucket's root.")
  @Nullable
  @Pattern("^([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$")
  private String path;

  @JsonPropertyDescription(
      "Endpoint URL of an S3-compatible service (MinIO, Ceph, ...); AWS S3 when absent.")
  @Nullable
  @Pattern("^https?://[^\\s/]+(/\\S*)?$")
  private String endpoint;

  @JsonPropertyDescription("Region of the bucket.")
  @Nullable
  @Pattern("^[a-z0-9-]+$")
  private String region;

  @JsonPropertyDescription("Secret with the access key id and secret access key.")
  @Required
  private S3CredentialsSpec credentials;

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public S3CredentialsSpec getCredentials() {
    return credentials;
  }

  public void setCredentials(S3CredentialsSpec credentials) {
    this.credentials = credentials;
  }
}
