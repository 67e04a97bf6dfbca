package io.pgshard.e2e.scenarios;

import io.pgshard.e2e.harness.Directories;
import io.pgshard.e2e.harness.LocalCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One local harness for a scenario class: started on first use, dumped (CR status, events, pod logs
 * and the operator's log lines) when a scenario fails, stopped at the end.
 */
final class Harnessed implements TestWatcher, AutoCloseable {

  private LocalCluster cluster;

  LocalCluster start(Map<String, String> operatorEnv) {
    cluster =
        LocalCluster.start(
            Directories.newRoot("pge2e"),
            operatorEnv,
            line -> System.out.println("harness: " + line));
    return cluster;
  }

  /** Runs a setup step, dumping the harness if it fails (TestWatcher sees only test methods). */
  void orDump(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      dump();
      throw e;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.out.println("=== " + context.getDisplayName() + " failed: " + cause);
    dump();
  }

  private void dump() {
    if (cluster != null) {
      cluster.dump(System.out);
    }
  }

  @Override
  public void close() {
    if (cluster != null) {
      Path root = cluster.root();
      cluster.close();
      Directories.delete(root);
    }
  }
}
