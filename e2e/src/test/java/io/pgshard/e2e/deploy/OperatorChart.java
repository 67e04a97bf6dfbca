package io.pgshard.e2e.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Helm chart in {@code helm/pgshard-operator}, linted and rendered by Helm itself (helm-java
 * runs Helm's Go code through JNI, no helm binary needed).
 */
public final class OperatorChart {

  public static final String RELEASE = "pgshard";
  public static final String NAMESPACE = "pgshard-system";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private OperatorChart() {}

  public static Path dir() {
    String configured = System.getProperty("pgshard.chart.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "helm", "pgshard-operator");
    if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
      throw new IllegalStateException("chart not found: " + dir.toAbsolutePath());
    }
    return dir;
  }

  /**
   * {@code helm template} of release {@value #RELEASE} in {@value #NAMESPACE} with these values
   * over the chart's defaults, parsed by the fabric8 client. Throws when Helm refuses the values.
   */
  public static RenderedChart render(Map<String, Object> values, Path workDir) {
    return new RenderedChart(
        parse(template(dir(), write(values, tempFile(workDir, "values", ".yaml")))));
  }

  /**
   * The same, with Helm run in a child JVM. Helm's Go runtime, once loaded into a process, takes
   * its SIGTERM and SIGINT: a JVM that had rendered the chart no longer ran its shutdown hooks
   * (seen in the sandbox, whose Ctrl-C stops everything it started). A process that must stay
   * stoppable renders this way.
   */
  public static RenderedChart renderInChildProcess(Map<String, Object> values, Path workDir) {
    Path valuesFile = write(values, tempFile(workDir, "values", ".yaml"));
    Path out = tempFile(workDir, "rendered", ".yaml");
    try {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  OperatorChart.class.getName(),
                  dir().toAbsolutePath().toString(),
                  valuesFile.toString(),
                  out.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("helm template failed: " + output);
      }
      return new RenderedChart(parse(Files.readString(out)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code OperatorChart <chart dir> <values file> <output file>}: the child of the above. */
  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[2]), template(Path.of(args[0]), Path.of(args[1])));
  }

  private static String template(Path chart, Path valuesFile) {
    return new Helm(chart)
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withValuesFile(valuesFile)
        .call();
  }

  /**
   * {@code helm lint --strict} with these values over the defaults. helm-java's lint takes no
   * values, so a copy of the chart gets the merged values as its values.yaml: the same thing Helm
   * lints with {@code --values}.
   */
  static LintResult lint(Map<String, Object> values, Path workDir) {
    Path copy = tempFile(workDir, "chart", "");
    copyTree(dir(), copy);
    write(merge(defaultValues(), values), copy.resolve("values.yaml"));
    return new Helm(copy).lint().strict().call();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> defaultValues() {
    try {
      return SERIALIZATION.unmarshal(Files.readString(dir().resolve("values.yaml")), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> parse(String manifest) {
    Object parsed = SERIALIZATION.unmarshal(manifest);
    if (parsed instanceof List<?> list) {
      return (List<HasMetadata>) list;
    }
    return List.of((HasMetadata) parsed);
  }

  private static Path write(Map<String, Object> values, Path file) {
    try {
      Files.writeString(file, SERIALIZATION.asYaml(values));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Helm's own merge: maps merge key by key, anything else is replaced. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) ->
            merged.merge(
                key,
                value,
                (a, b) ->
                    a instanceof Map<?, ?> && b instanceof Map<?, ?>
                        ? merge((Map<String, Object>) a, (Map<String, Object>) b)
                        : b));
    return merged;
  }

  private static Path tempFile(Path dir, String prefix, String suffix) {
    try {
      Path file = Files.createTempFile(dir, prefix, suffix);
      if (suffix.isEmpty()) {
        Files.delete(file); // a fresh name for a directory
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
