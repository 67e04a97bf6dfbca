package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads a Secret key whether it sits in data (as an API server stores it) or stringData. */
public final class SecretValues {

  private SecretValues() {}

  /** The mock API server keeps stringData as sent; a real one turns it into data. */
  public static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }
}
