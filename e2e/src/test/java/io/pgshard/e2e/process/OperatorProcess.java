package io.pgshard.e2e.process;

import io.pgshard.operator.testing.MockKubernetes;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shaded operator jar ({@code pgshard.operator.jar}, set by the e2e pom) started with {@code
 * java -jar} as a separate process against the fabric8 mock API server, the way the image runs it.
 * It finds the API server from the fabric8 environment variables and sends {@link
 * MockKubernetes#OPERATOR_USER_AGENT}, so the mock's recorded requests tell its calls from the
 * test's.
 */
public final class OperatorProcess implements AutoCloseable {

  private final Process process;
  private final int httpPort;
  private final Path log;

  private OperatorProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("pgshard.operator.jar"));
    if (!jar.toFile().isFile()) {
      throw new IllegalStateException("not built (operator module's package phase): " + jar);
    }
    return jar;
  }

  /**
   * Starts the jar with {@code jvmOptions} before {@code -jar}; {@code extraEnv} is added to (and
   * wins over) what the mock needs: no server-side apply, no leader election (it has neither).
   * Output goes to {@code log}.
   */
  public static OperatorProcess start(
      MockKubernetes kube,
      String namespace,
      List<String> jvmOptions,
      Map<String, String> extraEnv,
      Path log)
      throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("KUBERNETES_MASTER", kube.client().getMasterUrl().toString());
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", namespace);
    env.put("KUBERNETES_USER_AGENT", MockKubernetes.OPERATOR_USER_AGENT);
    // the mock API server has neither server-side apply nor a place to hold a Lease for us
    env.put("PGSHARD_SERVER_SIDE_APPLY", "false");
    env.put("PGSHARD_LEADER_ELECTION", "false");
    env.putAll(extraEnv);
    return start(jvmOptions, env, log);
  }

  /**
   * Starts the jar with exactly {@code env} (plus a free {@code PGSHARD_HTTP_PORT} unless it names
   * one: processes share this machine's ports, pods would not).
   */
  public static OperatorProcess start(List<String> jvmOptions, Map<String, String> env, Path log)
      throws IOException {
    int port =
        env.containsKey("PGSHARD_HTTP_PORT") && !"8080".equals(env.get("PGSHARD_HTTP_PORT"))
            ? Integer.parseInt(env.get("PGSHARD_HTTP_PORT"))
            : freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("PGSHARD_HTTP_PORT", Integer.toString(port));
    return new OperatorProcess(builder.start(), port, log);
  }

  /** kill -9, as the OOM killer or a lost node would end it. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public int exitCode() {
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /** How long the process has run. */
  public java.time.Duration uptime() {
    java.time.Instant now = java.time.Instant.now();
    return java.time.Duration.between(process.info().startInstant().orElse(now), now);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** GET on the operator's HTTP endpoints (/healthz, /readyz, /metrics). */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** SIGTERM (the shutdown hook stops the operator); true if it exited within the timeout. */
  public boolean stop(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops it, forcibly if SIGTERM was not enough within 30 s. */
  @Override
  public void close() {
    try {
      if (process.isAlive() && !stop(Duration.ofSeconds(30))) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
