package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.ClusterSecretModel;
import io.pgshard.operator.model.ClusterSecretModel.Kind;
import io.pgshard.operator.model.SpecProblem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Makes sure the three cluster Secrets exist. A missing one is generated with a random password; an
 * existing one (generated earlier or created by the user) is used as it is and never rewritten.
 * Passwords are never read into anything but the generated Secret itself.
 */
public class ClusterSecrets {

  /** Usernames found in the Secrets, or why they could not be used. */
  public record Result(Map<Kind, String> usernames, List<SpecProblem> problems) {}

  private final KubernetesClient client;
  private final SecureRandom random;

  public ClusterSecrets(KubernetesClient client, SecureRandom random) {
    this.client = client;
    this.random = random;
  }

  public Result ensure(ShardedCluster cluster) {
    Map<Kind, String> usernames = new EnumMap<>(Kind.class);
    List<SpecProblem> problems = new ArrayList<>();
    String namespace = cluster.getMetadata().getNamespace();
    for (Kind kind : Kind.values()) {
      String name = ClusterSecretModel.name(cluster, kind);
      Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
      if (existing == null) {
        Secret created =
            client
                .secrets()
                .inNamespace(namespace)
                .resource(ClusterSecretModel.generated(cluster, kind, random))
                .create();
        usernames.put(kind, value(created, ClusterSecretModel.USERNAME));
        continue;
      }
      String username = value(existing, ClusterSecretModel.USERNAME);
      String password = value(existing, ClusterSecretModel.PASSWORD);
      if (username == null || username.isBlank() || password == null || password.isEmpty()) {
        problems.add(
            new SpecProblem(
                "Secret " + name,
                "must have non-empty keys '"
                    + ClusterSecretModel.USERNAME
                    + "' and '"
                    + ClusterSecretModel.PASSWORD
                    + "'"));
      } else {
        usernames.put(kind, username);
      }
    }
    return new Result(usernames, problems);
  }

  /** A key of a Secret, from data (as stored) or stringData (as a client may have sent it). */
  public static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null) {
      return secret.getStringData().get(key);
    }
    return null;
  }
}
