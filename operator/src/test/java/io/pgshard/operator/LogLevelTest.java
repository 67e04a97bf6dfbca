package io.pgshard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PGSHARD_LOG_LEVEL=TRACE must not make the API client print HTTP bodies (Secrets among them). */
class LogLevelTest {

  private static final Logger HTTP = LoggerFactory.getLogger(HttpLoggingInterceptor.class);

  @AfterEach
  void restore() {
    OperatorMain.setRootLogLevel("INFO");
  }

  @Test
  void traceEverywhereButTheClientsHttpBodies() {
    OperatorMain.setRootLogLevel("TRACE");

    assertThat(LoggerFactory.getLogger("io.fabric8.kubernetes.client.dsl").isTraceEnabled())
        .isTrue();
    assertThat(HTTP.isTraceEnabled()).as("bodies are logged at TRACE").isFalse();
    assertThat(HTTP.isDebugEnabled()).isTrue();
  }

  @Test
  void aQuieterLevelAppliesToTheHttpLoggerToo() {
    OperatorMain.setRootLogLevel("TRACE");
    OperatorMain.setRootLogLevel("WARN");

    assertThat(HTTP.isInfoEnabled()).isFalse();
    assertThat(HTTP.isWarnEnabled()).isTrue();
  }
}
