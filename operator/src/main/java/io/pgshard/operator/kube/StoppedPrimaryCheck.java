package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.failover.FenceCheck;
import io.pgshard.operator.monitor.InstanceProbe;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Confirms a fenced primary stopped, from the API and from the instance itself: its pod is gone or
 * was replaced (another UID: the kubelet confirmed its containers stopped), nothing listens at its
 * address, or it answers as a standby. Polls for at most {@code wait}; a primary that is frozen or
 * cut off is confirmed only by its pod going away, which its kubelet confirms once the fencing
 * delete's grace period has passed (a node that is down altogether never confirms: then a person
 * decides, with {@code kubectl delete pod --force}).
 */
public final class StoppedPrimaryCheck implements FenceCheck {

  private static final long POLL_MILLIS = 100;

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, String> uids;
  private final Map<String, String> addresses;
  private final int port;
  private final Credentials superuser;
  private final Duration wait;

  /**
   * @param uids pod name to the UID it had when it was fenced
   * @param addresses pod name to its address when it was fenced
   */
  public StoppedPrimaryCheck(
      KubernetesClient client,
      String namespace,
      Map<String, String> uids,
      Map<String, String> addresses,
      int port,
      Credentials superuser,
      Duration wait) {
    this.client = client;
    this.namespace = namespace;
    this.uids = Map.copyOf(uids);
    this.addresses = Map.copyOf(addresses);
    this.port = port;
    this.superuser = superuser;
    this.wait = wait;
  }

  /**
   * Polls the API every 100 ms; the instance's address is asked meanwhile on a thread of its own (a
   * cut-off address takes a connect timeout to answer, which must not hold back noticing that the
   * pod is gone).
   */
  @Override
  public boolean confirmStopped(String pod) {
    long deadline = System.nanoTime() + wait.toNanos();
    AtomicBoolean notPrimary = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    Thread asker =
        new Thread(
            () -> {
              while (!done.get() && System.nanoTime() < deadline) {
                if (notPrimary(addresses.get(pod))) {
                  notPrimary.set(true);
                  return;
                }
                sleep(POLL_MILLIS);
              }
            },
            "fence-check-" + pod);
    asker.setDaemon(true);
    asker.start();
    try {
      while (true) {
        if (notPrimary.get() || podGone(pod)) {
          return true;
        }
        if (System.nanoTime() >= deadline || !sleep(POLL_MILLIS)) {
          return notPrimary.get();
        }
      }
    } finally {
      done.set(true);
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean podGone(String pod) {
    Pod now = client.pods().inNamespace(namespace).withName(pod).get();
    return now == null
        || (uids.get(pod) != null && !uids.get(pod).equals(now.getMetadata().getUid()));
  }

  /** Refused (no postmaster) or in recovery; false when it is a primary or does not answer. */
  private boolean notPrimary(String host) {
    if (host == null) {
      return false;
    }
    Properties props = new Properties();
    props.setProperty("user", superuser.user());
    props.setProperty("password", superuser.password());
    props.setProperty("connectTimeout", "1");
    props.setProperty("socketTimeout", "1");
    props.setProperty("loginTimeout", "1");
    props.setProperty("ApplicationName", "pgshard-operator");
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/postgres", props);
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException e) {
      return InstanceProbe.refused(e);
    }
  }
}
