package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Keys of a Secret, in the cluster's namespace, that hold S3 credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3CredentialsSpec {

  @JsonPropertyDescription("Name of the Secret.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String secretName;

  @JsonPropertyDescription("Key of the access key id in the Secret.")
  @Default("ACCESS_KEY_ID")
  private String accessKeyIdKey = "ACCESS_KEY_ID";

  @JsonPropertyDescription("Key of the secret access key in the Secret.")
  @Default("SECRET_ACCESS_KEY")
  private String secretAccessKeyKey = "SECRET_ACCESS_KEY";

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getAccessKeyIdKey() {
    return accessKeyIdKey;
  }

  public void setAccessKeyIdKey(String accessKeyIdKey) {
    this.accessKeyIdKey = accessKeyIdKey;
  }

  public String getSecretAccessKeyKey() {
    return secretAccessKeyKey;
  }

  public void setSecretAccessKeyKey(String secretAccessKeyKey) {
    this.secretAccessKeyKey = secretAccessKeyKey;
  }
}
