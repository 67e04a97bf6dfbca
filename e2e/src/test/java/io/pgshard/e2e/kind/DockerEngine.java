package io.pgshard.e2e.kind;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, found the way Testcontainers finds one ({@code DOCKER_HOST},
 * {@code ~/.testcontainers.properties}, the default socket, Docker Desktop, rootless Docker).
 */
final class DockerEngine {

  /** The only skip the project allows (docs/testing.md): the kind suite without a Docker engine. */
  static final String SKIPPED = "skipped: no Docker engine";

  private DockerEngine() {}

  /**
   * Asks Testcontainers; it remembers the answer. Without a socket or a configured host it gives up
   * at once (well under a second here); its own error line about it is silenced in logback-e2e.xml,
   * the skip says it.
   */
  static boolean answers() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /**
   * Skips each test with {@value #SKIPPED} when no engine answers. Per test, not per class:
   * surefire lists the tests of a skipped or aborted class nowhere, and a disabled test gets the
   * reason as its {@code <skipped message=...>}. The class itself runs, so its {@code @BeforeAll}
   * asks first and sets up nothing without an engine.
   */
  static final class Required implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("asked again for each test");
      }
      return answers()
          ? ConditionEvaluationResult.enabled("a Docker engine answers")
          : ConditionEvaluationResult.disabled(SKIPPED);
    }
  }
}
