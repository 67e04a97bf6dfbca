package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.S3CredentialsSpec;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import io.pgshard.operator.api.v1alpha1.ShardedClusterSpec;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.testing.TestClusters;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BackupSettingsTest {

  static BackupSpec backup(Consumer<S3StorageSpec> customize) {
    S3CredentialsSpec credentials = new S3CredentialsSpec();
    credentials.setSecretName("s3-creds");
    S3StorageSpec s3 = new S3StorageSpec();
    s3.setBucket("backups");
    s3.setCredentials(credentials);
    customize.accept(s3);
    BackupSpec backup = new BackupSpec();
    backup.setS3(s3);
    return backup;
  }

  static PostgresShard shard(Consumer<ShardedClusterSpec> customize) {
    return TestClusters.shard(0, customize);
  }

  @Test
  void eachClusterWritesUnderItsOwnNameAndEachShardAsItsOwnServer() {
    PostgresShard shard =
        shard(
            s ->
                s.setBackup(
                    backup(
                        s3 -> {
                          s3.setPath("prod/eu");
                          s3.setEndpoint("https://minio.example:9000");
                          s3.setRegion("eu-west-1");
                        })));
    Map<String, String> vars =
        BackupSettings.variables(shard.getSpec().getBackup(), ShardNaming.of(shard));
    assertThat(vars)
        .containsEntry("PGSHARD_BACKUP_DESTINATION", "s3://backups/prod/eu/orders")
        .containsEntry("PGSHARD_BACKUP_SERVER", "orders-shard-0")
        .containsEntry("PGSHARD_BACKUP_ENDPOINT", "https://minio.example:9000")
        .containsEntry("PGSHARD_BACKUP_COMPRESSION", "gzip")
        .containsEntry("AWS_DEFAULT_REGION", "eu-west-1");
    assertThat(BackupSettings.destination(backup(s3 -> {}).getS3(), "orders"))
        .isEqualTo("s3://backups/orders");
  }

  @Test
  void theSettingsFileQuotesEveryValueSoNothingInItIsExpanded() {
    assertThat(BackupSettings.shellQuote("a'b $(x) `y`")).isEqualTo("'a'\\''b $(x) `y`'");
    PostgresShard shard = shard(s -> s.setBackup(backup(s3 -> s3.setPath("p"))));
    String file = BackupSettings.render(shard.getSpec().getBackup(), ShardNaming.of(shard));
    assertThat(file).contains("PGSHARD_BACKUP_DESTINATION='s3://backups/p/orders'\n");
    assertThat(file).doesNotContain("SECRET").doesNotContain("ACCESS_KEY");
  }

  @Test
  void theConfigMapCarriesTheScriptAlwaysAndTheSettingsOnlyWithBackups() {
    ConfigMap without = ShardConfigMaps.config(shard(s -> {}), "streaming_replica");
    assertThat(without.getData()).containsKey(InstanceScripts.BACKUP);
    assertThat(without.getData()).doesNotContainKey(BackupSettings.FILE);
    ConfigMap with =
        ShardConfigMaps.config(shard(s -> s.setBackup(backup(s3 -> {}))), "streaming_replica");
    assertThat(with.getData()).containsKey(BackupSettings.FILE);
  }

  @Test
  void credentialsComeFromTheUsersSecretAndAMissingOneNeverKeepsPostgresFromStarting() {
    PostgresShard shard =
        shard(
            s -> {
              BackupSpec b = backup(s3 -> {});
              b.getS3().getCredentials().setAccessKeyIdKey("id");
              s.setBackup(b);
            });
    Map<String, EnvVar> env = env(shard);
    assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("s3-creds");
    assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("id");
    assertThat(env.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("SECRET_ACCESS_KEY");
    assertThat(env.get("AWS_SECRET_ACCESS_KEY").getValueFrom().getSecretKeyRef().getOptional())
        .isTrue();
    assertThat(env(shard(s -> {})))
        .doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void everyInstanceArchivesAndWithBackupsAtLeastEveryFiveMinutes() {
    String without = PostgresConfig.render("orders-shard-0", shard(s -> {}).getSpec());
    assertThat(without).contains("archive_mode = always\n").doesNotContain("archive_timeout");
    String with =
        PostgresConfig.render(
            "orders-shard-0", shard(s -> s.setBackup(backup(s3 -> {}))).getSpec());
    assertThat(with).contains("archive_timeout = '5min'\n");
    String overridden =
        PostgresConfig.render(
            "orders-shard-0",
            shard(
                    s -> {
                      s.setBackup(backup(s3 -> {}));
                      s.getPostgres().setParameters(Map.of("archive_timeout", "60s"));
                    })
                .getSpec());
    assertThat(overridden).contains("archive_timeout = '60s'\n");
  }

  @Test
  void archiveAndRecoverySettingsBelongToTheOperator() {
    assertThat(PostgresConfig.OWNED_PARAMETERS)
        .contains("archive_mode", "archive_command", "restore_command", "recovery_target_name");
    List<SpecProblem> problems =
        SpecValidator.validateTemplate(
            shard(s -> s.getPostgres().setParameters(Map.of("archive_command", "/bin/true")))
                .getSpec());
    assertThat(problems).anySatisfy(p -> assertThat(p.field()).contains("archive_command"));
  }

  @Test
  void aScheduleCronCannotParseIsRefusedWithItsField() {
    List<SpecProblem> problems =
        SpecValidator.validateTemplate(
            shard(
                    s -> {
                      BackupSpec b = backup(s3 -> {});
                      b.setSchedule("0 25 * * *");
                      b.setCompression("lz5");
                      s.setBackup(b);
                    })
                .getSpec());
    assertThat(problems.stream().map(SpecProblem::field).collect(Collectors.toList()))
        .contains("spec.backup.schedule", "spec.backup.compression");
  }

  private static Map<String, EnvVar> env(PostgresShard shard) {
    return ShardStatefulSetModel.desired(shard, ServerCapabilities.CURRENT)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }
}
