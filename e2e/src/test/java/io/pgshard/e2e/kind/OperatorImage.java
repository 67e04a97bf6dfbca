package io.pgshard.e2e.kind;

import com.dajudge.kindcontainer.KindContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.MountableFile;

/**
 * The operator image as users build it: {@code operator/Dockerfile} over the shaded jar, built by
 * the Docker engine, then loaded into the kind node the way {@code kind load docker-image} does
 * (docker save, then containerd's import), so the chart's pods start it without a registry.
 */
final class OperatorImage {

  /** The chart's default repository ({@code values.yaml}); the tag marks this suite's build. */
  static final String REPOSITORY = "pgshard/pgshard-operator";

  static final String TAG = "kind-suite";

  private static final String ARCHIVE_IN_NODE = "/kindcontainer/pgshard-operator-image.tar";

  /**
   * kind's containerd config names its snapshotter (the node's entrypoint edits it on zfs etc.).
   */
  private static final Pattern SNAPSHOTTER =
      Pattern.compile("(?m)^\\s*snapshotter\\s*=\\s*[\"']([^\"']+)[\"']");

  private OperatorImage() {}

  static String name() {
    return REPOSITORY + ":" + TAG;
  }

  /** Builds the image; removed again when the JVM exits (Testcontainers' resource reaper). */
  static void build() {
    Path jar = configured("pgshard.operator.jar", "../operator/target/pgshard-operator.jar");
    Path dockerfile = configured("pgshard.operator.dockerfile", "../operator/Dockerfile");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "operator jar not found: " + jar.toAbsolutePath() + " (mvn -B -DskipTests package)");
    }
    // a build context of the two files the Dockerfile uses, not all of operator/
    new ImageFromDockerfile(name(), true)
        .withFileFromPath("Dockerfile", dockerfile)
        .withFileFromPath("target/pgshard-operator.jar", jar)
        .get();
  }

  /** Puts the built image into the node's containerd, where the kubelet finds it. */
  static void loadInto(KindContainer<?> node) {
    Path archive = null;
    try {
      archive = Files.createTempFile("pgshard-operator-image", ".tar");
      try (InputStream saved =
          DockerClientFactory.instance()
              .client()
              .saveImagesCmd()
              .withImage(REPOSITORY, TAG)
              .exec()) {
        Files.copy(saved, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      node.copyFileToContainer(MountableFile.forHostPath(archive), ARCHIVE_IN_NODE);
      // the current platform only: an archive from Docker's containerd image store may list
      // platforms whose layers it does not carry
      exec(
          node,
          "ctr",
          "--namespace=k8s.io",
          "images",
          "import",
          "--digests",
          "--snapshotter=" + snapshotter(node),
          ARCHIVE_IN_NODE);
      exec(node, "rm", "-f", ARCHIVE_IN_NODE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading " + name(), e);
    } finally {
      if (archive != null) {
        archive.toFile().delete();
      }
    }
  }

  private static String snapshotter(KindContainer<?> node)
      throws IOException, InterruptedException {
    Matcher m = SNAPSHOTTER.matcher(exec(node, "cat", "/etc/containerd/config.toml").getStdout());
    return m.find() ? m.group(1) : "overlayfs";
  }

  private static ExecResult exec(KindContainer<?> node, String... command)
      throws IOException, InterruptedException {
    ExecResult result = node.execInContainer(command);
    if (result.getExitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited with "
              + result.getExitCode()
              + ": "
              + result.getStderr());
    }
    return result;
  }

  private static Path configured(String property, String fallback) {
    String configured = System.getProperty(property);
    return Path.of(configured != null ? configured : fallback);
  }
}
