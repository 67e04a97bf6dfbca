package io.pgshard.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The pure packages stay pure: no API client, no JOSDK, no JDBC (docs/architecture.md, "Packages").
 */
class ArchitectureTest {

  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pgshard.operator");

  @Test
  void modelStatusFailoverAndPartitionPlanningTalkToNothing() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pgshard.operator.model..",
            "io.pgshard.operator.status..",
            "io.pgshard.operator.failover..",
            "io.pgshard.operator.partitions..",
            "io.pgshard.operator.backups..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client..",
            "io.javaoperatorsdk..",
            "java.sql..",
            "javax.sql..",
            "com.zaxxer..",
            "org.postgresql..",
            "java.net.http..")
        .check(CLASSES);
  }

  @Test
  void onlyTheReconcilerAndDependentPackagesUseJosdk() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pgshard.operator.model..",
            "io.pgshard.operator.status..",
            "io.pgshard.operator.api..",
            "io.pgshard.operator.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.javaoperatorsdk..")
        .check(CLASSES);
  }

  @Test
  void nothingDependsOnTheReconcilers() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pgshard.operator.model..",
            "io.pgshard.operator.status..",
            "io.pgshard.operator.dependent..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgshard.operator.reconciler..")
        .check(CLASSES);
  }
}
