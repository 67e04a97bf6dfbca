package io.pgshard.operator.testing;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility fails a wait when any thread of the JVM throws; with test classes running side by side
 * (the operator's integration tests, the e2e scenarios), that would fail one class's wait for an
 * exception in another class's harness thread. Each class's waits judge their own conditions only.
 * Registered for every class through JUnit's extension autodetection (META-INF/services, also in
 * the test jar the e2e module uses), where a run enables it.
 */
public final class OwnThreadsOnly implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
  }
}
