package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a Secret key whether it sits in data (as an API server stores it) or stringData. */
public final class SecretValues {

  private SecretValues() {}

  /**
   * The username and password of each named Secret in a namespace, as {@link LocalShard} takes them
   * (the Secrets the operator generated).
   */
  public static Map<String, Map<String, String>> credentials(
      KubernetesClient client, String namespace, List<String> names) {
    Map<String, Map<String, String>> credentials = new HashMap<>();
    for (String name : names) {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      credentials.put(
          name,
          Map.of("username", value(secret, "username"), "password", value(secret, "password")));
    }
    return credentials;
  }

  /** The mock API server keeps stringData as sent; a real one turns it into data. */
  public static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }
}
