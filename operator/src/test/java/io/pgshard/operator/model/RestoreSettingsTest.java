package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pgshard.operator.api.v1alpha1.BootstrapSpec;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.api.v1alpha1.ShardedClusterSpec;
import io.pgshard.operator.config.ServerCapabilities;
import io.pgshard.operator.status.RestoreFailures;
import io.pgshard.operator.testing.TestClusters;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A cluster restored from another cluster's backups: what its shards read, what is refused. */
class RestoreSettingsTest {

  static Consumer<ShardedClusterSpec> restoring(Consumer<FromBackupSpec> customize) {
    return spec -> {
      spec.setBackup(BackupSettingsTest.backup(s3 -> s3.setPath("restored")));
      FromBackupSpec from = new FromBackupSpec();
      from.setCluster("orders-old");
      from.setS3(BackupSettingsTest.backup(s3 -> s3.setPath("prod")).getS3());
      from.getS3().getCredentials().setSecretName("old-s3-read-only");
      customize.accept(from);
      BootstrapSpec bootstrap = new BootstrapSpec();
      bootstrap.setFromBackup(from);
      spec.setBootstrap(bootstrap);
    };
  }

  static Map<String, String> restoreEnv(PostgresShard shard) {
    String file = ShardConfigMaps.config(shard, "streaming_replica").getData().get("restore.env");
    assertThat(file).isNotNull();
    return file.lines()
        .filter(l -> l.contains("="))
        .collect(
            Collectors.toMap(
                l -> l.substring(0, l.indexOf('=')),
                l -> l.substring(l.indexOf('=') + 2, l.length() - 1)));
  }

  @Test
  void shardIReadsShardIOfTheSourceAndTheLastAlsoChecksTheSourceHadNoMore() {
    Consumer<ShardedClusterSpec> spec =
        restoring(f -> f.setRestorePoint("before-release-42")).andThen(s -> s.setShards(3));
    Map<String, String> first = restoreEnv(TestClusters.shard(0, spec));
    assertThat(first)
        .containsEntry("PGSHARD_RESTORE_SOURCE", "s3://backups/prod/orders-old")
        .containsEntry("PGSHARD_RESTORE_SERVER", "orders-old-shard-0")
        .containsEntry("PGSHARD_RESTORE_NEXT_SERVER", "")
        .containsEntry("PGSHARD_RESTORE_TARGET_NAME", "before-release-42")
        .containsEntry("PGSHARD_RESTORE_TARGET_TIME", "");
    Map<String, String> last = restoreEnv(TestClusters.shard(2, spec));
    assertThat(last)
        .containsEntry("PGSHARD_RESTORE_SERVER", "orders-old-shard-2")
        .containsEntry("PGSHARD_RESTORE_NEXT_SERVER", "orders-old-shard-3");
  }

  @Test
  void aTargetTimeReachesPostgresInUtcWithAtMostMicroseconds() {
    // PostgreSQL refuses recovery_target_time = '...05.123456789Z' (found by the restore on the
    // real control plane): RFC 3339 allows nanoseconds, PostgreSQL takes microseconds
    Map<String, String> env =
        restoreEnv(
            TestClusters.shard(
                0, restoring(f -> f.setTargetTime("2026-12-03T14:02:05.123456789+01:00"))));
    assertThat(env)
        .containsEntry("PGSHARD_RESTORE_TARGET_TIME", "2026-12-03 13:02:05.123456+00:00");
    Map<String, String> whole =
        restoreEnv(TestClusters.shard(0, restoring(f -> f.setTargetTime("2026-12-02T14:03:00Z"))));
    assertThat(whole)
        .containsEntry("PGSHARD_RESTORE_TARGET_TIME", "2026-12-02 14:03:00.000000+00:00");
  }

  @Test
  void theSourcesKeysAreTheRestoresAloneAndWithoutRestoreThereIsNothing() {
    PostgresShard shard = TestClusters.shard(0, restoring(f -> {}));
    Map<String, EnvVar> env =
        ShardStatefulSetModel.desired(shard, ServerCapabilities.CURRENT)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv()
            .stream()
            .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("PGSHARD_RESTORE_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("old-s3-read-only");
    assertThat(env.get("AWS_ACCESS_KEY_ID").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("s3-creds");
    assertThat(
            ShardConfigMaps.config(TestClusters.shard(0, s -> {}), "streaming_replica").getData())
        .doesNotContainKey("restore.env");
  }

  @Test
  void aClusterThatWouldArchiveWhereItRestoresFromIsRefused() {
    ShardedCluster same =
        TestClusters.cluster(
            1,
            restoring(
                f -> {
                  f.setCluster("orders");
                  f.setS3(null); // spec.backup's storage: path "restored", name "orders"
                }));
    assertThat(fields(same)).contains("spec.bootstrap.fromBackup");
    assertThat(messages(same)).anyMatch(m -> m.contains("s3://backups/restored/orders"));

    ShardedCluster elsewhere = TestClusters.cluster(1, restoring(f -> {}));
    assertThat(fields(elsewhere)).isEmpty();
  }

  @Test
  void oneTargetAtMostAReadableTimeAndStorageToReadFrom() {
    ShardedCluster both =
        TestClusters.cluster(
            1,
            restoring(
                f -> {
                  f.setRestorePoint("x");
                  f.setTargetTime("2026-12-02T14:03:00Z");
                }));
    assertThat(fields(both)).contains("spec.bootstrap.fromBackup");
    ShardedCluster badTime =
        TestClusters.cluster(1, restoring(f -> f.setTargetTime("yesterday 14:03")));
    assertThat(fields(badTime)).contains("spec.bootstrap.fromBackup.targetTime");
    ShardedCluster nowhere =
        TestClusters.cluster(1, restoring(f -> f.setS3(null)).andThen(s -> s.setBackup(null)));
    assertThat(fields(nowhere)).contains("spec.bootstrap.fromBackup.s3");
  }

  @Test
  void theRestoresOwnWordsComeFromTheContainersTerminationMessage() {
    Pod failed =
        new PodBuilder()
            .withNewStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("postgres")
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(1)
                    .withMessage(
                        "pgshard-restore: no completed backup of orders-old-shard-0 ended at or"
                            + " before 2020-01-01T00:00:00Z: the target is earlier than the first"
                            + " backup\n")
                    .endTerminated()
                    .endLastState()
                    .build())
            .endStatus()
            .build();
    Pod other =
        new PodBuilder()
            .withNewStatus()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("postgres")
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(137)
                    .withMessage("OOMKilled")
                    .endTerminated()
                    .endLastState()
                    .build())
            .endStatus()
            .build();
    assertThat(RestoreFailures.of(List.of(other, failed)))
        .hasValueSatisfying(
            m ->
                assertThat(m).startsWith("no completed backup").contains("earlier than the first"));
    assertThat(RestoreFailures.of(List.of(other))).isEmpty();
  }

  private static List<String> fields(ShardedCluster cluster) {
    return SpecValidator.validate(cluster, 0).stream().map(SpecProblem::field).toList();
  }

  private static List<String> messages(ShardedCluster cluster) {
    return SpecValidator.validate(cluster, 0).stream().map(SpecProblem::message).toList();
  }
}
