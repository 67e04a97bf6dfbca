package io.pgshard.e2e.cluster;

import io.pgshard.e2e.harness.ControlPlaneCluster;
import io.pgshard.e2e.harness.Directories;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One control-plane cluster for a scenario class: started on first use, its operators' logs and the
 * API's view printed when a scenario fails, stopped (and its directory removed) at the end.
 */
final class OnControlPlane implements TestWatcher, AutoCloseable {

  private ControlPlaneCluster cluster;
  private Path root;

  ControlPlaneCluster start(Map<String, Object> chartValues) {
    root = Directories.newRoot("pgcp");
    cluster =
        ControlPlaneCluster.start(
            root, chartValues, line -> System.out.println("kubelet: " + line));
    return cluster;
  }

  /** Runs a setup step, reporting if it fails (TestWatcher sees only test methods). */
  void orReport(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      report();
      throw e;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.out.println("=== " + context.getDisplayName() + " failed: " + cause);
    report();
  }

  private void report() {
    if (cluster == null) {
      return;
    }
    System.out.println(
        cluster
            .kubectl(
                "get",
                "shardedclusters,postgresshards,statefulsets,pods,pvc,svc",
                "-A",
                "-o",
                "wide")
            .output());
    System.out.println(cluster.kubectl("get", "events", "-A").output());
    System.out.println(cluster.operatorLogs());
    cluster
        .kubelet()
        .podsSeen()
        .forEach(
            p -> {
              String[] parts = p.split("/", 2);
              System.out.println(cluster.kubelet().logs(parts[0], parts[1]));
            });
  }

  @Override
  public void close() {
    if (cluster != null) {
      cluster.close();
      Directories.delete(root);
    }
  }
}
