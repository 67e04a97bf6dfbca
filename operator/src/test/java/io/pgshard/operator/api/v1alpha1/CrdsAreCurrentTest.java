package io.pgshard.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs committed in {@code crds/} and in the Helm chart are exactly what the build generates
 * from the API classes. On failure: {@code mvn -Pupdate-crds -pl operator process-classes}.
 */
class CrdsAreCurrentTest {

  static final String FIX = "regenerate with: mvn -Pupdate-crds -pl operator process-classes";

  @ParameterizedTest
  @ValueSource(strings = {"shardedclusters.pgshard.io-v1.yml", "postgresshards.pgshard.io-v1.yml"})
  void committedCrdsMatchTheGeneratedOnes(String file) throws IOException {
    String generated =
        Files.readString(Path.of(System.getProperty("pgshard.generated.crds.dir")).resolve(file));
    for (Path committed :
        List.of(
            Path.of(System.getProperty("pgshard.crds.dir")).resolve(file),
            Path.of(System.getProperty("pgshard.chart.dir")).resolve("crds").resolve(file))) {
      assertThat(committed).as("%s (%s)", committed, FIX).exists();
      assertThat(Files.readString(committed))
          .as("%s differs from the generated CRD; %s", committed, FIX)
          .isEqualTo(generated);
    }
  }
}
