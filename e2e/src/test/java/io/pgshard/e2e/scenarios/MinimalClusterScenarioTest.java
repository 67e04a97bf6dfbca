package io.pgshard.e2e.scenarios;

import io.pgshard.e2e.harness.Harness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MinimalClusterScenarios} on the local harness (the fabric8 mock API server). */
class MinimalClusterScenarioTest extends MinimalClusterScenarios {

  @RegisterExtension final Harnessed harness = new Harnessed();

  @Override
  protected Harness startHarness() {
    return harness.start(Map.of());
  }

  @Override
  protected void orReport(Runnable step) {
    harness.orDump(step);
  }

  @AfterAll
  void stop() {
    harness.close();
  }
}
