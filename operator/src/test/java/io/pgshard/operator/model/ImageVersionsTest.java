package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageVersionsTest {

  @Test
  void theMajorIsTheTagsLeadingNumber() {
    assertThat(ImageVersions.major("postgres:16")).hasValue(16);
    assertThat(ImageVersions.major("postgres:15.4-bookworm")).hasValue(15);
    assertThat(ImageVersions.major("registry.local:5000/team/pgshard-postgres:15")).hasValue(15);
    assertThat(ImageVersions.major("postgres:16.2@sha256:abcd")).hasValue(16);
    assertThat(ImageVersions.major("registry.local:5000/postgres")).isEmpty();
    assertThat(ImageVersions.major("postgres:latest")).isEmpty();
    assertThat(ImageVersions.major("postgres")).isEmpty();
  }

  @Test
  void aMajorChangeIsAProblemOnTheImageFieldAMinorOneIsNot() {
    assertThat(ImageVersions.majorChange("postgres:15.4", "postgres:15.6")).isEmpty();
    assertThat(ImageVersions.majorChange("postgres:15", "postgres:latest")).isEmpty();
    var problem = ImageVersions.majorChange("postgres:15.4", "postgres:16.1");
    assertThat(problem).isPresent();
    assertThat(problem.get().field()).isEqualTo("spec.postgres.image");
    assertThat(problem.get().message())
        .contains("PostgreSQL 16", "run 15", "not supported", "keep postgres:15.4");
  }
}
