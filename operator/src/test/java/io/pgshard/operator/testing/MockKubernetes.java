package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pgshard.operator.OperatorMain;
import io.pgshard.operator.config.OperatorConfig;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The fabric8 mock API server in CRUD mode with pgshard's generated CRDs installed, and the real
 * operator ({@link OperatorMain}) started against it. Every request is recorded, so a test can
 * count what the operator wrote.
 */
public final class MockKubernetes implements AutoCloseable {

  public static final List<String> CRD_RESOURCES =
      List.of(
          "/META-INF/fabric8/shardedclusters.pgshard.io-v1.yml",
          "/META-INF/fabric8/postgresshards.pgshard.io-v1.yml");

  /** User-Agent of the operator's client, so its requests can be told from the test's. */
  public static final String OPERATOR_USER_AGENT = "pgshard-operator-under-test";

  private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<OperatorMain> operators = new ArrayList<>();

  private MockKubernetes() {
    // CRUD for everything, plus canned answers where the mock has no CRUD semantics
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    // /version as a current server answers it (ServerDiscovery reads it, and the policy group
    // below)
    server.setVersionInfo(
        new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.0").build());
    server.init();
    // JOSDK checks, before leader election, that it may manage Leases: say yes, as the chart's
    // RBAC does (RbacCoverageTest holds the chart to what the operator calls)
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    server
        .expect()
        .get()
        .withPath("/apis/policy")
        .andReturn(
            200,
            new APIGroupBuilder()
                .withName("policy")
                .addNewVersion()
                .withGroupVersion("policy/v1")
                .withVersion("v1")
                .endVersion()
                .withNewPreferredVersion()
                .withGroupVersion("policy/v1")
                .withVersion("v1")
                .endPreferredVersion()
                .build())
        .always();
    client = server.createClient();
    for (String crd : CRD_RESOURCES) {
      try (InputStream in = MockKubernetes.class.getResourceAsStream(crd)) {
        if (in == null) {
          throw new IllegalStateException("generated CRD not on the classpath: " + crd);
        }
        client
            .resource(
                client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
            .create();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public static MockKubernetes start() {
    return new MockKubernetes();
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * Starts the operator as {@code OperatorMain} wires it, configured as for an API server without
   * server-side apply (the mock has none) and without leader election.
   */
  public OperatorMain startOperator(Clock clock) {
    return startOperator(clock, Map.of());
  }

  /** As {@link #startOperator(Clock)}, with more environment variables (they win). */
  public OperatorMain startOperator(Clock clock, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("PGSHARD_LEADER_ELECTION", "false");
    env.put("PGSHARD_SERVER_SIDE_APPLY", "false");
    env.put("PGSHARD_HTTP_PORT", "0");
    // the mock has pods but no PostgreSQL behind them: nothing to probe or promote
    env.put("PGSHARD_INSTANCE_MONITOR", "false");
    env.putAll(extraEnv);
    KubernetesClient operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withUserAgent(OPERATOR_USER_AGENT)
                    .build())
            .build();
    OperatorMain operator =
        new OperatorMain(OperatorConfig.fromEnvironment(env), operatorClient, clock);
    try {
      operator.start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    operators.add(operator);
    return operator;
  }

  /**
   * Environment for an operator replica with leader election on, as the chart runs it. The process
   * must outlive giving up its Lease (the test stops it), so it does not exit then.
   */
  public static Map<String, String> leaderElection(
      String leaseNamespace, String leaseName, String identity) {
    return Map.of(
        "PGSHARD_LEADER_ELECTION", "true",
        "PGSHARD_EXIT_ON_LOST_LEASE", "false",
        "PGSHARD_LEASE_NAMESPACE", leaseNamespace,
        "PGSHARD_LEASE_NAME", leaseName,
        "POD_NAME", identity);
  }

  /** Every request recorded since the last call. */
  public List<Request> drainRequests() {
    List<Request> requests = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        requests.add(new Request(r.getMethod(), r.getPath(), r.getHeader("User-Agent")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }

  /** One request the API server received. */
  public record Request(String method, String path, String userAgent) {
    public boolean isWrite() {
      return WRITE_METHODS.contains(method);
    }

    public boolean fromOperator() {
      return OPERATOR_USER_AGENT.equals(userAgent);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @Override
  public void close() {
    operators.forEach(OperatorMain::close);
    client.close();
    server.destroy();
  }
}
