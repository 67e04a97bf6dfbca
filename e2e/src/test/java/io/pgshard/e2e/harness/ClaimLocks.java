package io.pgshard.e2e.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pod holds which claim ({@code namespace/name}): a ReadWriteOnce volume is attached to one
 * pod at a time, so a pod created again waits until the pod before it has stopped.
 */
final class ClaimLocks {

  private final Map<String, String> holders = new HashMap<>();

  /** Takes all of {@code claims} for pod {@code uid}, or none of them. */
  synchronized boolean acquire(List<String> claims, String uid) {
    for (String claim : claims) {
      String holder = holders.get(claim);
      if (holder != null && !holder.equals(uid)) {
        return false;
      }
    }
    claims.forEach(c -> holders.put(c, uid));
    return true;
  }

  synchronized void release(String uid) {
    holders.values().removeIf(uid::equals);
  }

  synchronized boolean held(String claim) {
    return holders.containsKey(claim);
  }
}
