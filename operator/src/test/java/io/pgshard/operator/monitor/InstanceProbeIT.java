package io.pgshard.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.failover.DataFilesystem;
import io.pgshard.operator.failover.InstanceObservation;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probes of real PostgreSQL 15 instances: a promoted primary and a standby streaming from it. */
class InstanceProbeIT {

  LocalShards shards = new LocalShards();

  @AfterEach
  void stop() {
    shards.close();
  }

  InstanceProbe probe(LocalShard s, int ordinal) {
    Map<String, String> superuser = s.superuserCredentials();
    return new InstanceProbe(
        s.podName(ordinal),
        ordinal,
        s.ip(ordinal),
        5432,
        superuser.get("username"),
        superuser.get("password"),
        Duration.ofSeconds(1));
  }

  @Test
  void seesThePrimaryAndTheStandbyStreamingFromIt() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    try (InstanceProbe p0 = probe(s, 0);
        InstanceProbe p1 = probe(s, 1)) {
      InstanceObservation primary = p0.probe();
      assertThat(primary.isPrimary()).isTrue();
      assertThat(primary.currentLsn()).isNotNull();
      assertThat(primary.timeline()).as("initdb's timeline 1, promoted to 2").isEqualTo(2L);
      assertThat(primary.streaming()).isFalse();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                InstanceObservation standby = p1.probe();
                assertThat(standby.isStandby()).isTrue();
                assertThat(standby.streaming()).isTrue();
                assertThat(standby.receiveLsn()).isNotNull();
                assertThat(standby.replayLsn()).isNotNull();
                assertThat(standby.timeline()).isEqualTo(2L);
                assertThat(standby.upstreamHost())
                    .as("streams through the rw Service")
                    .isEqualTo(s.rwIp());
              });
      assertThat(p1.probe().systemIdentifier()).isEqualTo(primary.systemIdentifier()).isNotBlank();
    }
  }

  @Test
  void aKilledInstanceIsUnreachableAtOnceAndAnsweringAgainAfterARestart() {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    try (InstanceProbe p1 = probe(s, 1)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> p1.probe().streaming());
      LocalPod standby = s.pod(1);
      standby.kill();

      InstanceObservation seen = p1.probe();
      assertThat(seen.reachable()).isFalse();
      assertThat(seen.inRecovery()).isNull();

      LocalPod again = s.startInstance(1, true, 0);
      s.awaitReady(again, 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> p1.probe().isStandby());
    }
  }

  /**
   * The liveness probe leaves the data directory's df where the probe query reads it: the size the
   * observation reports is the filesystem's own, as Java sees it on this machine.
   */
  @Test
  void reportsTheDataFilesystemTheLivenessProbeSaw() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(1);
    try (InstanceProbe p1 = probe(s, 1)) {
      assertThat(p1.probe().dataFilesystem()).as("before any liveness probe").isNull();
      assertThat(s.runLivenessProbe(1)).as("the probe's exit status").isZero();
      DataFilesystem seen = p1.probe().dataFilesystem();
      FileStore store = Files.getFileStore(s.dataDirectory(1));
      assertThat(seen.sizeBytes()).isEqualTo(store.getTotalSpace() / 1024 * 1024);
      assertThat(seen.availableBytes()).isPositive().isLessThanOrEqualTo(seen.sizeBytes());
    }
  }

  @Test
  void reloadsTheConfigurationOnceTheMountedFilesChange() throws Exception {
    LocalShard s =
        shards.withPrimaryAndStandbys(
            1, c -> c.getSpec().getReplication().setMode(ReplicationMode.SYNC));
    try (InstanceProbe p0 = probe(s, 0);
        Connection db = s.superuser(0, "postgres")) {
      assertThat(setting(db, "synchronous_standby_names")).startsWith("ANY 1 (");

      // the kubelet updates the mounted ConfigMap (replicas scaled: another standby list)
      Path conf = s.configFile(0, "postgresql.conf");
      String changed =
          Files.readString(conf)
              .replaceAll(
                  "(?m)^synchronous_standby_names = .*$",
                  "synchronous_standby_names = 'ANY 1 (\"" + s.podName(1) + "\")'");
      Files.writeString(conf, changed);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                p0.probe();
                assertThat(setting(db, "synchronous_standby_names"))
                    .isEqualTo("ANY 1 (\"" + s.podName(1) + "\")");
              });

      // unchanged files: no further reloads (one more at most, for the same-second rule). A
      // reload reaches this session asynchronously (the postmaster forwards SIGHUP): wait a
      // little after the probes before each reading, or a reload signalled just before would be
      // seen only by the next statement (seen under load in a full build)
      Thread.sleep(1100);
      p0.probe();
      Thread.sleep(500);
      String loaded = loadTime(db);
      p0.probe();
      p0.probe();
      Thread.sleep(500);
      assertThat(loadTime(db)).isEqualTo(loaded);
    }
  }

  static String setting(Connection db, String name) throws Exception {
    try (var st = db.createStatement();
        var rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String loadTime(Connection db) throws Exception {
    try (var st = db.createStatement();
        var rs = st.executeQuery("SELECT pg_conf_load_time()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
