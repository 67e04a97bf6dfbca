package io.pgshard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for the backup tests: s3rver (npm, 3.7.1), on loopback, storing
 * objects in a temporary directory. {@code .ci/prerequisites} installs it into {@code
 * /var/cache/pgshard/s3rver}; {@code PGSHARD_S3RVER} names another executable.
 */
public final class S3Server implements AutoCloseable {

  /** s3rver's fixed credentials (it accepts only these). */
  public static final String ACCESS_KEY = "S3RVER";

  public static final String SECRET_KEY = "S3RVER";

  private static final Path DEFAULT_EXECUTABLE =
      Path.of(
          System.getenv().getOrDefault("PGSHARD_CACHE_DIR", "/var/cache/pgshard"),
          "s3rver/node_modules/.bin/s3rver");

  private final Process process;
  private final Path directory;
  private final int port;

  private S3Server(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  /** Starts a server with {@code buckets} created. */
  public static S3Server start(String... buckets) {
    Path executable =
        System.getenv("PGSHARD_S3RVER") == null
            ? DEFAULT_EXECUTABLE
            : Path.of(System.getenv("PGSHARD_S3RVER"));
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(
          "s3rver not found at " + executable + ": run .ci/prerequisites (npm install s3rver)");
    }
    try {
      Path directory = Files.createTempDirectory("pgshard-s3-");
      int port = freePort();
      List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  executable.toString(),
                  "--directory",
                  directory.toString(),
                  "--address",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--silent"));
      for (String bucket : buckets) {
        command.add("--configure-bucket");
        command.add(bucket);
      }
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(directory.resolveSibling(directory.getFileName() + ".log").toFile())
              .start();
      S3Server server = new S3Server(process, directory, port);
      server.awaitListening(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:<port>}: what spec.backup.s3.endpoint names. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Keys of the objects stored under {@code prefix} in {@code bucket} (read from its directory).
   */
  public List<String> keys(String bucket, String prefix) {
    Path root = directory.resolve(bucket);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(k -> k.endsWith("._S3rver_object"))
          .map(k -> k.substring(0, k.length() - "._S3rver_object".length()))
          .filter(k -> k.startsWith(prefix))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3rver exited with " + process.exitValue());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Pause.millis(100);
      }
    }
    throw new IllegalStateException("s3rver did not listen on " + port + " within " + timeout);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // its objects and log go with it
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover in the temporary directory, nothing more
    }
    directory.resolveSibling(directory.getFileName() + ".log").toFile().delete();
  }
}
