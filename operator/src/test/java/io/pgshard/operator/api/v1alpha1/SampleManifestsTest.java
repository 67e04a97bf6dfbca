package io.pgshard.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pgshard.operator.model.SpecProblem;
import io.pgshard.operator.model.SpecValidator;
import io.pgshard.operator.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in samples/ against the generated CRD's OpenAPI schema (what kubectl apply meets
 * on the API server; a JSON-schema validator stands in here) and, for what a schema cannot express,
 * against the operator's own SpecValidator. An invalid sample says on an {@code # expect:} line the
 * message it must be refused with.
 */
class SampleManifestsTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final JsonSchema SCHEMA = schema();

  static JsonSchema schema() {
    try {
      JsonNode crd =
          YAML.readTree(
              Path.of(System.getProperty("pgshard.crds.dir"))
                  .resolve("shardedclusters.pgshard.io-v1.yml")
                  .toFile());
      JsonNode openApi = crd.at("/spec/versions/0/schema/openAPIV3Schema");
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Stream<Path> valid() throws IOException {
    try (Stream<Path> files = Files.list(Samples.dir())) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static Stream<Path> invalid() throws IOException {
    try (Stream<Path> files = Files.list(Samples.dir().resolve("invalid"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void thereAreSamplesOfBothKinds() throws IOException {
    assertThat(valid().map(p -> p.getFileName().toString()))
        .contains("minimal.yaml", "production.yaml");
    assertThat(invalid().count()).isGreaterThanOrEqualTo(8);
  }

  @ParameterizedTest
  @MethodSource("valid")
  void everySampleIsAcceptedByTheSchemaAndTheOperator(Path sample) throws IOException {
    List<JsonNode> clusters = shardedClusters(sample);
    assertThat(clusters).as("a ShardedCluster in %s", sample).isNotEmpty();
    for (JsonNode cluster : clusters) {
      assertThat(messages(SCHEMA.validate(cluster))).as(sample.toString()).isEmpty();
      assertThat(operatorProblems(cluster)).as(sample.toString()).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void everyInvalidSampleIsRefusedWithItsExpectedMessage(Path sample) throws IOException {
    String expected = expectation(sample);
    JsonNode cluster = shardedClusters(sample).get(0);
    List<String> refusals = messages(SCHEMA.validate(cluster));
    if (refusals.isEmpty()) {
      refusals = operatorProblems(cluster).stream().map(SpecProblem::toString).toList();
    }
    assertThat(refusals)
        .as("refusals of %s", sample.getFileName())
        .anySatisfy(m -> assertThat(m).contains(expected));
  }

  static List<String> messages(Set<ValidationMessage> result) {
    return result.stream()
        .map(ValidationMessage::getMessage)
        .map(m -> m.replace("$.", ""))
        .sorted()
        .toList();
  }

  static List<SpecProblem> operatorProblems(JsonNode cluster) {
    ShardedCluster parsed = new ObjectMapper().convertValue(cluster, ShardedCluster.class);
    return SpecValidator.validate(parsed, 0);
  }

  static String expectation(Path sample) throws IOException {
    return Files.readAllLines(sample).stream()
        .filter(l -> l.startsWith("# expect: "))
        .map(l -> l.substring("# expect: ".length()).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError(sample + " has no '# expect: ' line"));
  }

  static List<JsonNode> shardedClusters(Path sample) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(sample.toFile())) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && "ShardedCluster".equals(doc.path("kind").asText())) {
          out.add(doc);
        }
      }
    }
    return out;
  }
}
