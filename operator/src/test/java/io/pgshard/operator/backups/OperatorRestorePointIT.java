package io.pgshard.operator.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.RestorePointRecord;
import io.pgshard.operator.api.v1alpha1.ShardRestorePoint;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalOperatorShard;
import io.pgshard.operator.testing.S3Server;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A restore point asked for with the annotation: the real operator (mock API server) pauses the
 * shard's real PgBouncer while a client writes through it, the primary writes the point, the pooler
 * resumes, and the segment that holds the point reaches the bucket (Barman Cloud, s3rver).
 */
class OperatorRestorePointIT {

  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final String SHARD = LocalOperatorShard.SHARD;

  S3Server s3;
  LocalOperatorShard s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aRequestedRestorePointIsWrittenWhileThePoolerHoldsQueriesAndReachesTheArchive()
      throws Exception {
    s3 = S3Server.start(BackupScriptsIT.BUCKET);
    s =
        LocalOperatorShard.start(
            2,
            c -> c.getSpec().setBackup(BackupScriptsIT.backup(s3.endpoint())),
            Map.of(BackupScriptsIT.SECRET, BackupScriptsIT.s3rverCredentials()));
    String pooler = s.kubelet().startPooler();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(2));

    try (Writer writer =
        Writer.start(
            pooler, s.local().secret(LocalOperatorShard.CLUSTER + "-app").get("password"))) {
      writer.awaitAcknowledged(100, TIMEOUT);
      request("before-release-42");
      await().atMost(TIMEOUT).until(() -> !points().isEmpty());
      long atPoint = writer.acknowledged().size();
      writer.awaitAcknowledged(atPoint + 100, TIMEOUT);
      writer.close();
      assertThat(writer.errors()).as("errors seen through the paused pooler").isEmpty();
    }

    RestorePointRecord point = points().get(0);
    assertThat(point.getError()).isNull();
    assertThat(point.getName()).isEqualTo("before-release-42");
    assertThat(point.getReason()).contains(Labels.RESTORE_POINT);
    assertThat(point.getPauseMillis()).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(point.getShards()).hasSize(1);
    ShardRestorePoint onShard = point.getShards().get(0);
    assertThat(onShard.getShard()).isEqualTo(SHARD);
    assertThat(onShard.getInstance()).isEqualTo(SHARD + "-0");
    Condition created =
        Conditions.find(
                cluster().getStatus().getConditions(), Conditions.LAST_RESTORE_POINT_SUCCEEDED)
            .orElseThrow();
    assertThat(created.getStatus()).isEqualTo("True");
    assertThat(created.getReason()).isEqualTo("Created");
    assertThat(s.eventReasons()).contains("RestorePointCreated");

    // the WAL segment that holds the point was switched and archived
    String segment;
    try (Connection db = s.local().superuser(0, "postgres");
        var st = db.prepareStatement("SELECT pg_walfile_name(?::pg_lsn)")) {
      st.setString(1, onShard.getLsn());
      try (var rs = st.executeQuery()) {
        rs.next();
        segment = rs.getString(1);
      }
    }
    assertThat(onShard.getTimeline())
        .as("the timeline the point was written on (the segment's name starts with it)")
        .isEqualTo(Integer.parseInt(segment.substring(0, 8), 16));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(s3.keys(BackupScriptsIT.BUCKET, "it/minimal/" + SHARD + "/wals/"))
                    .anyMatch(k -> k.contains(segment)));

    // the annotation stays (the user owns it): the same name is not written twice, an invalid one
    // is refused with its reason
    request("not a name!");
    await().atMost(TIMEOUT).until(() -> points().size() == 2);
    RestorePointRecord refused = points().get(0);
    assertThat(refused.getError()).contains("is not a restore point name");
    assertThat(refused.getShards()).isEmpty();
    Condition failed =
        Conditions.find(
                cluster().getStatus().getConditions(), Conditions.LAST_RESTORE_POINT_SUCCEEDED)
            .orElseThrow();
    assertThat(failed.getStatus()).isEqualTo("False");
    assertThat(failed.getReason()).isEqualTo("RestorePointFailed");
    assertThat(s.eventReasons()).contains("RestorePointFailed");
    assertThat(points())
        .extracting(RestorePointRecord::getName)
        .containsOnlyOnce("before-release-42");
  }

  void request(String name) {
    s.editCluster(
        c -> {
          var annotations =
              new HashMap<>(
                  c.getMetadata().getAnnotations() == null
                      ? Map.<String, String>of()
                      : c.getMetadata().getAnnotations());
          annotations.put(Labels.RESTORE_POINT, name);
          c.getMetadata().setAnnotations(annotations);
          return c;
        });
  }

  ShardedCluster cluster() {
    return s.cluster();
  }

  List<RestorePointRecord> points() {
    ShardedCluster c = cluster();
    return c.getStatus() == null || c.getStatus().getBackup() == null
        ? List.of()
        : c.getStatus().getBackup().getRestorePoints();
  }
}
