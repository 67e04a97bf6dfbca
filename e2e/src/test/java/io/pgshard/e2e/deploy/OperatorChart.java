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
    String manifest =
        new Helm(dir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withValuesFile(write(values, tempFile(workDir, "values", ".yaml")))
            .call();
    return new RenderedChart(parse(manifest));
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
