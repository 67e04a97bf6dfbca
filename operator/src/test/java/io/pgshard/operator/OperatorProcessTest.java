package io.pgshard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.SimulatedControllers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The operator process: its HTTP endpoints, leader election and what it logs. */
class OperatorProcessTest {

  static final String NS = "pgshard-test";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  MockKubernetes kube;

  @BeforeEach
  void start() {
    kube = MockKubernetes.start();
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  @Test
  void servesHealthReadinessAndPrometheusMetricsIncludingJosdksOwn() throws Exception {
    OperatorMain operator = kube.startOperator(Clock.systemUTC());
    Samples.apply(kube.client(), "minimal.yaml", NS);
    await().atMost(TIMEOUT).until(() -> get(operator, "/readyz").statusCode() == 200);

    HttpResponse<String> health = get(operator, "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              HttpResponse<String> metrics = get(operator, "/metrics");
              assertThat(metrics.statusCode()).isEqualTo(200);
              assertThat(metrics.headers().firstValue("Content-Type"))
                  .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
              assertThat(metrics.body()).contains("operator_sdk_reconciliations_success_total");
            });
  }

  @Test
  void onlyTheReplicaHoldingTheLeaseReconcilesAndAnotherTakesOverWhenItStops() {

    OperatorMain first =
        kube.startOperator(
            Clock.systemUTC(),
            MockKubernetes.leaderElection("pgshard-system", "pgshard-lease", "operator-a"));
    await().atMost(TIMEOUT).until(() -> holder() != null);
    assertThat(holder()).isEqualTo("operator-a");

    OperatorMain second =
        kube.startOperator(
            Clock.systemUTC(),
            MockKubernetes.leaderElection("pgshard-system", "pgshard-lease", "operator-b"));
    Samples.apply(kube.client(), "minimal.yaml", NS);
    await().atMost(TIMEOUT).until(() -> clusterStatus(NS) != null);
    assertThat(holder()).isEqualTo("operator-a");
    assertThat(MockKubernetesCounts.reconciliations(second))
        .as("the standby replica reconciled nothing")
        .isZero();
    assertThat(MockKubernetesCounts.reconciliations(first)).isPositive();

    first.close();
    await().atMost(TIMEOUT).until(() -> "operator-b".equals(holder()));
  }

  @Test
  void anOperatorWatchingSomeNamespacesLeavesClustersElsewhereAlone() {
    OperatorMain operator =
        kube.startOperator(Clock.systemUTC(), Map.of("PGSHARD_WATCH_NAMESPACES", "team-a"));
    Samples.apply(kube.client(), "minimal.yaml", "team-a");
    Samples.apply(kube.client(), "minimal.yaml", "team-b");

    await().atMost(TIMEOUT).until(() -> clusterStatus("team-a") != null);
    // team-a is reconciled; team-b must stay untouched for a while after that
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> clusterStatus("team-b") == null);
    assertThat(kube.client().secrets().inNamespace("team-b").list().getItems()).isEmpty();
    assertThat(operator.operator().getRuntimeInfo().isStarted()).isTrue();
  }

  @Test
  void neverLogsAPasswordEvenAtDebugLevel() {
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    List<Logger> loggers = new ArrayList<>();
    for (String name :
        List.of("io.pgshard", "io.javaoperatorsdk", "io.fabric8.kubernetes.client")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.setLevel(Level.DEBUG);
      logger.setAdditive(false);
      logger.addAppender(captured);
      loggers.add(logger);
    }
    try {
      kube.startOperator(Clock.systemUTC());
      Samples.apply(kube.client(), "minimal.yaml", NS);
      await()
          .atMost(TIMEOUT)
          .until(
              () -> kube.client().secrets().inNamespace(NS).withName("minimal-app").get() != null);
      SimulatedControllers sim = new SimulatedControllers(kube.client());
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                sim.runStatefulSet(NS, "minimal-shard-0", 0);
                sim.runDeployment(NS, "minimal-shard-0-pooler");
              });
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  "Ready"
                      .equals(
                          kube.client()
                              .resources(io.pgshard.operator.api.v1alpha1.PostgresShard.class)
                              .inNamespace(NS)
                              .withName("minimal-shard-0")
                              .get()
                              .getStatus()
                              .getPhase()));

      List<String> passwords = new ArrayList<>();
      for (String name : List.of("minimal-superuser", "minimal-replication", "minimal-app")) {
        Secret secret = kube.client().secrets().inNamespace(NS).withName(name).get();
        passwords.add(SecretValues.value(secret, "password"));
      }
      assertThat(captured.list).as("debug logging was captured").hasSizeGreaterThan(50);
      // the mock API server runs in this JVM and logs what it stores: it is not the operator
      List<ILoggingEvent> operatorSide =
          captured.list.stream()
              .filter(
                  e -> !e.getLoggerName().startsWith("io.fabric8.kubernetes.client.server.mock"))
              .toList();
      for (ILoggingEvent event : operatorSide) {
        String text =
            event.getFormattedMessage()
                + (event.getThrowableProxy() == null
                    ? ""
                    : ThrowableProxyUtil.asString(event.getThrowableProxy()));
        for (String password : passwords) {
          assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(password);
        }
      }
    } finally {
      for (Logger logger : loggers) {
        logger.detachAppender(captured);
        logger.setLevel(null);
        logger.setAdditive(true);
      }
    }
  }

  io.pgshard.operator.api.v1alpha1.ShardedClusterStatus clusterStatus(String namespace) {
    return kube.client()
        .resources(ShardedCluster.class)
        .inNamespace(namespace)
        .withName("minimal")
        .get()
        .getStatus();
  }

  String holder() {
    Lease lease =
        kube.client().leases().inNamespace("pgshard-system").withName("pgshard-lease").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  static HttpResponse<String> get(OperatorMain operator, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Reconciliations an operator has completed, from its own JOSDK metrics. */
  static final class MockKubernetesCounts {
    static double reconciliations(OperatorMain operator) {
      return operator.registry().find("operator.sdk.reconciliations.started").counters().stream()
          .mapToDouble(c -> c.count())
          .sum();
    }
  }
}
