package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ClusterSecretModel;

/** A login read from one of the cluster's Secrets. */
public record Credentials(String user, String password) {

  /**
   * The shard's superuser, read from the API (callers read it when they connect, not per probe).
   */
  public static Credentials superuser(KubernetesClient client, PostgresShard shard) {
    return read(client, shard, shard.getSpec().getSecrets().getSuperuser());
  }

  /** The application's login, the database owner (the schema is applied in its session). */
  public static Credentials app(KubernetesClient client, PostgresShard shard) {
    return read(client, shard, shard.getSpec().getSecrets().getApp());
  }

  /** The poolers' admin console user, read from the API (once per switchover). */
  public static Credentials poolerAdmin(KubernetesClient client, PostgresShard shard) {
    return read(client, shard, shard.getSpec().getSecrets().poolerAdminSecret());
  }

  private static Credentials read(KubernetesClient client, PostgresShard shard, String name) {
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
