package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ClusterSecretModel;

/** A PostgreSQL login read from one of the cluster's Secrets. */
public record Credentials(String user, String password) {

  /**
   * The shard's superuser, read from the API (callers read it when they connect, not per probe).
   */
  public static Credentials superuser(KubernetesClient client, PostgresShard shard) {
    String name = shard.getSpec().getSecrets().getSuperuser();
    Secret secret =
        client.secrets().inNamespace(shard.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      throw new IllegalStateException("Secret " + name + " is missing");
    }
    return new Credentials(
        ClusterSecrets.value(secret, ClusterSecretModel.USERNAME),
        ClusterSecrets.value(secret, ClusterSecretModel.PASSWORD));
  }
}
