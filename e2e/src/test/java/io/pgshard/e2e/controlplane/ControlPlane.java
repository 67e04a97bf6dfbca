package io.pgshard.e2e.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgshard.operator.testing.Pause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler started as processes under one
 * directory, on free loopback ports. Users authenticate with static tokens ({@link User}); the API
 * server authorizes with RBAC (Node too, as clusters do) and writes an audit log of the users named
 * when it starts, at Metadata level (verb, resource, name, response code; never bodies).
 *
 * <p>The controller-manager runs every default controller but the Endpoints controller: pods here
 * have loopback addresses, which Endpoints refuse ("may not be in the loopback range") while
 * EndpointSlices accept them, and Kubernetes 1.20's kube-proxy reads EndpointSlices anyway.
 */
public final class ControlPlane implements AutoCloseable {

  /** A user of the API server: a static token with a name and groups. */
  public record User(String name, String token, List<String> groups) {
    public static User serviceAccount(String namespace, String name) {
      return new User(
          "system:serviceaccount:" + namespace + ":" + name,
          randomToken(),
          List.of(
              "system:serviceaccounts",
              "system:serviceaccounts:" + namespace,
              "system:authenticated"));
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Binaries binaries;
  private final User admin =
      new User("pgshard-test-admin", randomToken(), List.of("system:masters"));
  private final List<Process> processes = new ArrayList<>();

  /**
   * Stops the processes if the JVM exits without {@link #close()}; waits a while first, as the
   * owner's own shutdown hook may be closing everything in order (its pods need the API server).
   */
  private final Thread reaper = new Thread(this::reap, "control-plane-reaper");

  private final java.util.concurrent.CountDownLatch closed =
      new java.util.concurrent.CountDownLatch(1);
  private String url;

  private ControlPlane(Path dir, Binaries binaries) {
    this.dir = dir;
    this.binaries = binaries;
  }

  /** Starts everything and waits until the API server is ready; {@code audited} are logged. */
  public static ControlPlane start(Path dir, List<User> audited) {
    ControlPlane plane = new ControlPlane(dir, Binaries.find());
    Runtime.getRuntime().addShutdownHook(plane.reaper);
    try {
      plane.startAll(audited);
      return plane;
    } catch (IOException | RuntimeException e) {
      plane.close();
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  private void startAll(List<User> audited) throws IOException {
    Files.createDirectories(dir);
    writeKeys();
    List<User> users = new ArrayList<>(audited);
    users.add(admin);
    Files.writeString(
        dir.resolve("tokens.csv"),
        users.stream()
            .map(
                u ->
                    u.token()
                        + ","
                        + u.name()
                        + ","
                        + u.name()
                        + ",\""
                        + String.join(",", u.groups())
                        + "\"")
            .collect(Collectors.joining("\n", "", "\n")));
    Files.writeString(dir.resolve("audit-policy.yaml"), auditPolicy(audited));
    int etcdPort = freePort();
    start(
        "etcd",
        List.of(
            binaries.etcd().toString(),
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=http://127.0.0.1:" + etcdPort,
            "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
            "--listen-peer-urls=http://127.0.0.1:" + freePort(),
            // the tests' data is thrown away: no fsync per write on a busy 2-core machine
            "--unsafe-no-fsync=true"));
    int apiPort = freePort();
    url = "https://127.0.0.1:" + apiPort;
    start(
        "kube-apiserver",
        List.of(
            binaries.kubeApiserver().toString(),
            "--etcd-servers=http://127.0.0.1:" + etcdPort,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            "--secure-port=" + apiPort,
            "--cert-dir=" + dir.resolve("certs"),
            "--token-auth-file=" + dir.resolve("tokens.csv"),
            "--authorization-mode=Node,RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            "--service-account-key-file=" + dir.resolve("sa.pub"),
            "--service-account-signing-key-file=" + dir.resolve("sa.key"),
            "--service-cluster-ip-range=10.96.0.0/16",
            // its own "kubernetes" Service would need a non-loopback address
            "--endpoint-reconciler-type=none",
            "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
            "--audit-log-path=" + auditLog(),
            "--audit-log-format=json"));
    awaitReady();
    Path kubeconfig = writeKubeconfig(dir.resolve("admin.kubeconfig"), admin.token());
    start(
        "kube-controller-manager",
        List.of(
            binaries.controllerManager().toString(),
            "--kubeconfig=" + kubeconfig,
            "--authentication-kubeconfig=" + kubeconfig,
            "--authorization-kubeconfig=" + kubeconfig,
            "--service-account-private-key-file=" + dir.resolve("sa.key"),
            "--root-ca-file=" + dir.resolve("certs/apiserver.crt"),
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--port=0",
            "--controllers=*,-endpoint,-nodeipam,-csrsigning"));
    start(
        "kube-scheduler",
        List.of(
            binaries.scheduler().toString(),
            "--kubeconfig=" + kubeconfig,
            "--authentication-kubeconfig=" + kubeconfig,
            "--authorization-kubeconfig=" + kubeconfig,
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=0",
            "--port=0"));
  }

  private static String auditPolicy(List<User> audited) {
    StringBuilder policy =
        new StringBuilder(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [\"RequestReceived\"]\nrules:\n");
    if (!audited.isEmpty()) {
      policy.append("  - level: Metadata\n    users:\n");
      audited.forEach(u -> policy.append("      - \"").append(u.name()).append("\"\n"));
    }
    policy.append("  - level: None\n");
    return policy.toString();
  }

  private void writeKeys() throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private void start(String name, List<String> command) throws IOException {
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    synchronized (processes) {
      processes.add(process);
    }
    Pause.millis(200);
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited at start; see " + log);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).build();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/readyz"))
                    .header("Authorization", "Bearer " + admin.token())
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Pause.millis(300);
    }
    throw new IllegalStateException(
        "kube-apiserver not ready within " + START_TIMEOUT + ": " + last + "; see " + dir);
  }

  public String url() {
    return url;
  }

  public Path dir() {
    return dir;
  }

  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  public User admin() {
    return admin;
  }

  /** A client authenticated with {@code token}; close it when done. */
  public KubernetesClient client(String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withOauthToken(token)
            .withTrustCerts(true)
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public KubernetesClient adminClient() {
    return client(admin.token());
  }

  /** A kubeconfig for kubectl (and anything else that reads one) as the holder of {@code token}. */
  public Path writeKubeconfig(Path file, String token) {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: pgshard
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: user
          user: {token: "%s"}
        contexts:
        - name: pgshard
          context: {cluster: pgshard, user: user}
        current-context: pgshard
        """
            .formatted(url, token);
    try {
      Files.writeString(file, kubeconfig);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the scheduler, controller-manager, API server and etcd, in that order. */
  @Override
  public void close() {
    killAll();
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  private void reap() {
    try {
      closed.await(90, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    killAll();
  }

  private void killAll() {
    List<Process> running;
    synchronized (processes) {
      running = new ArrayList<>(processes);
      processes.clear();
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      Process p = running.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The API server's certificate is self-signed for this run: trust it, for /readyz only. */
  private static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
