package io.pgshard.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A test's edit of an object the operator also writes: read-modify-write again after 409 Conflict,
 * as kubectl edit makes a user do.
 */
public final class Conflicts {

  private Conflicts() {}

  public static void retry(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }
}
