package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.pgshard.operator.config.ServerCapabilities;

/**
 * Reads the server's version and served API groups once, at start. A server that cannot answer
 * discovery stops the operator: guessing would mean informers on APIs that are not served.
 */
public final class ServerDiscovery {

  private ServerDiscovery() {}

  public static ServerCapabilities discover(KubernetesClient client) {
    VersionInfo version = client.getKubernetesVersion();
    APIGroup policy = client.getApiGroup("policy");
    boolean policyV1 =
        policy != null
            && policy.getVersions().stream().anyMatch(v -> "policy/v1".equals(v.getGroupVersion()));
    return new ServerCapabilities(number(version.getMajor()), number(version.getMinor()), policyV1);
  }

  /** Managed offerings report minors such as "27+". */
  static int number(String part) {
    String digits = part == null ? "" : part.replaceAll("[^0-9].*$", "");
    if (digits.isEmpty()) {
      throw new IllegalStateException("the API server reports an unreadable version: " + part);
    }
    return Integer.parseInt(digits);
  }
}
