package io.pgshard.operator.backups;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.api.v1alpha1.BackupSpec;
import io.pgshard.operator.api.v1alpha1.S3CredentialsSpec;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import io.pgshard.operator.backups.BackupRetention.StoredBackup;
import io.pgshard.operator.sql.BackupStatements;
import io.pgshard.operator.sql.BackupStatements.BaseBackupState;
import io.pgshard.operator.testing.LocalPod;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import io.pgshard.operator.testing.OsUser;
import io.pgshard.operator.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * backup.sh as the operator ships it, run by real PostgreSQL 15 instances against a real
 * S3-compatible server (s3rver) with Barman Cloud 3.4: WAL archived by the primary and by a
 * standby, a base backup taken on a standby through the instance's SQL connection, and the backup
 * restored (with Barman Cloud's restore commands, as a restore will run them) to a named restore
 * point with exactly the rows written before it.
 */
class BackupScriptsIT {

  static final String BUCKET = "pgshard-it";
  static final String SECRET = "s3-credentials";
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  S3Server s3;
  LocalShards shards = new LocalShards();

  @BeforeEach
  void startStorage() {
    s3 = S3Server.start(BUCKET);
  }

  @AfterEach
  void stop() {
    shards.close();
    s3.close();
  }

  LocalShard shardWithBackups(Map<String, String> credentials) {
    LocalShard shard = shards.create(c -> c.getSpec().setBackup(backup(s3.endpoint())));
    shard.putSecret(SECRET, credentials);
    return shard;
  }

  static BackupSpec backup(String endpoint) {
    S3CredentialsSpec credentials = new S3CredentialsSpec();
    credentials.setSecretName(SECRET);
    S3StorageSpec storage = new S3StorageSpec();
    storage.setBucket(BUCKET);
    storage.setPath("it");
    storage.setEndpoint(endpoint);
    storage.setRegion("us-east-1");
    storage.setCredentials(credentials);
    BackupSpec backup = new BackupSpec();
    backup.setS3(storage);
    return backup;
  }

  static Map<String, String> s3rverCredentials() {
    return Map.of("ACCESS_KEY_ID", S3Server.ACCESS_KEY, "SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
  }

  String prefix(LocalShard shard) {
    return "it/minimal/" + shard.podName(0).replaceAll("-0$", "") + "/";
  }

  @Test
  void archivesWalOnEveryInstanceAndABackupFromAStandbyRestoresToARestorePoint() throws Exception {
    LocalShard s = shardWithBackups(s3rverCredentials());
    LocalPod primary = s.startInstance(0, false, 0);
    s.awaitReady(primary, 0);
    s.promote(0);
    s.awaitReady(s.startInstance(1, true, 0), 1);

    String switched;
    try (Connection db = s.superuser(0, "postgres");
        Statement st = db.createStatement()) {
      st.execute("CREATE TABLE items (id int PRIMARY KEY)");
      st.execute("INSERT INTO items SELECT generate_series(1, 1000)");
      switched = single(st, "SELECT pg_walfile_name(pg_switch_wal())");
    }
    String wals = prefix(s) + "wals/";
    await()
        .atMost(TIMEOUT)
        .until(() -> s3.keys(BUCKET, wals).stream().anyMatch(k -> k.contains(switched)));
    try (Connection db = s.superuser(0, "postgres")) {
      assertThat(BackupStatements.lastArchiveError(db)).isEmpty();
    }
    try (Connection standby = s.superuser(1, "postgres")) {
      await()
          .atMost(TIMEOUT)
          .until(
              () -> Long.parseLong(single(standby, "SELECT archived_count FROM pg_stat_archiver")),
              n -> n > 0);

      BackupStatements.start(standby, "b1");
      BackupStatements.start(standby, "b1"); // the same name again: nothing new starts
      BaseBackupState done =
          await()
              .atMost(TIMEOUT)
              .until(
                  () -> BackupStatements.state(standby, "b1"),
                  st -> st.isPresent() && st.get().phase() != BaseBackupState.Phase.RUNNING)
              .orElseThrow();
      assertThat(done.phase()).as(done.message()).isEqualTo(BaseBackupState.Phase.DONE);
      assertThat(BackupStatements.state(standby, "never-started")).isEmpty();
    }
    List<String> backups = s3.keys(BUCKET, prefix(s) + "base/");
    assertThat(backups)
        .as("one base backup, from the standby")
        .anyMatch(k -> k.endsWith("/backup.info"));
    assertThat(backups.stream().filter(k -> k.endsWith("/backup.info")).count()).isEqualTo(1);

    String lastNeeded;
    try (Connection db = s.superuser(0, "postgres");
        Statement st = db.createStatement()) {
      st.execute("INSERT INTO items SELECT generate_series(1001, 2000)");
      st.execute("SELECT pg_create_restore_point('rp1')");
      st.execute("INSERT INTO items SELECT generate_series(2001, 3000)");
      lastNeeded = single(st, "SELECT pg_walfile_name(pg_switch_wal())");
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> s3.keys(BUCKET, wals).stream().anyMatch(k -> k.contains(lastNeeded)));

    assertThat(restoredRowCount(s, "b1", "rp1"))
        .as("rows 1..2000 were written before rp1, 2001..3000 after it")
        .isEqualTo("2000|2000");

    // retention's tools: the listing the operator reads, and deleting the older backup
    try (Connection standby = s.superuser(1, "postgres");
        Connection onPrimary = s.superuser(0, "postgres")) {
      BackupStatements.start(standby, "b2");
      // its end waits for the standby to archive its last segment: the primary completes it, as
      // the operator has it do (the primary is quiet here)
      await()
          .atMost(TIMEOUT)
          .until(
              () -> {
                if (BackupStatements.waitsForArchive(standby)) {
                  BackupStatements.switchWal(onPrimary);
                }
                return BackupStatements.state(standby, "b2");
              },
              st -> st.isPresent() && st.get().phase() == BaseBackupState.Phase.DONE);
      List<StoredBackup> listed = BackupStatements.list(standby);
      assertThat(listed).hasSize(2).allMatch(StoredBackup::completed);
      assertThat(listed).allMatch(b -> b.ended() != null && !b.ended().isBefore(b.started()));
      StoredBackup older =
          listed.stream().min(Comparator.comparing(StoredBackup::started)).orElseThrow();
      BackupStatements.delete(standby, older.id());
      assertThat(BackupStatements.list(standby))
          .extracting(StoredBackup::id)
          .hasSize(1)
          .doesNotContain(older.id());
    }
    assertThat(s3.keys(BUCKET, prefix(s) + "base/"))
        .filteredOn(k -> k.endsWith("/backup.info"))
        .hasSize(1);
  }

  @Test
  void wrongCredentialsKeepTheWalAndSayWhy() throws Exception {
    LocalShard s =
        shardWithBackups(Map.of("ACCESS_KEY_ID", "nobody", "SECRET_ACCESS_KEY", "wrong"));
    s.awaitReady(s.startInstance(0, false, 0), 0);
    s.promote(0);
    String segment;
    String failed;
    try (Connection db = s.superuser(0, "postgres");
        Statement st = db.createStatement()) {
      segment = single(st, "SELECT pg_walfile_name(pg_switch_wal())");
      await()
          .atMost(TIMEOUT)
          .until(
              () -> Long.parseLong(single(st, "SELECT failed_count FROM pg_stat_archiver")),
              n -> n > 0);
      // the new timeline's history file comes first, and is retried before anything else
      failed = single(st, "SELECT last_failed_wal FROM pg_stat_archiver");
      assertThat(failed).isEqualTo("00000002.history");
      assertThat(single(st, "SELECT archived_count FROM pg_stat_archiver")).isEqualTo("0");
      // PostgreSQL keeps the segment until it is archived
      assertThat(
              single(
                  st,
                  "SELECT count(*) FROM pg_ls_dir('pg_wal/archive_status') f WHERE f = '"
                      + segment
                      + ".ready'"))
          .isEqualTo("1");
    }
    assertThat(s3.keys(BUCKET, "")).isEmpty();
    assertThat(s.pod(0).log())
        .contains("Barman cloud WAL archiver exception")
        .contains("Forbidden");
    try (Connection db = s.superuser(0, "postgres")) {
      assertThat(BackupStatements.lastArchiveError(db))
          .hasValueSatisfying(e -> assertThat(e).contains(failed).contains("Forbidden"));
    }
  }

  @Test
  void withoutBackupsArchivingKeepsNothing() throws Exception {
    LocalShard s = shards.create(c -> {});
    s.awaitReady(s.startInstance(0, false, 0), 0);
    s.promote(0);
    try (Connection db = s.superuser(0, "postgres");
        Statement st = db.createStatement()) {
      assertThat(single(st, "SHOW archive_mode")).isEqualTo("always");
      st.execute("SELECT pg_switch_wal()");
      await()
          .atMost(TIMEOUT)
          .until(
              () -> Long.parseLong(single(st, "SELECT archived_count FROM pg_stat_archiver")),
              n -> n > 0);
      assertThat(single(st, "SELECT failed_count FROM pg_stat_archiver")).isEqualTo("0");
    }
  }

  /**
   * Restores base backup {@code backup} of the shard into a new data directory, recovers to {@code
   * restorePoint} from the archive, and returns {@code count(*)|max(id)} of items.
   */
  private String restoredRowCount(LocalShard s, String backup, String restorePoint)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("pgshard-restore-");
    OsUser.own(dir);
    Path data = dir.resolve("data");
    String server = prefix(s).substring("it/minimal/".length(), prefix(s).length() - 1);
    String endpoint = "--endpoint-url " + s3.endpoint();
    String destination = "s3://" + BUCKET + "/it/minimal";
    String script =
        String.join(
            "\n",
            "set -eu",
            "barman-cloud-restore "
                + endpoint
                + " "
                + destination
                + " "
                + server
                + " "
                + backup
                + " "
                + data,
            "chmod 700 " + data,
            "rm -f " + data + "/standby.signal " + data + "/postgresql.auto.conf",
            "cat > " + data + "/postgresql.conf <<'CONF'",
            "listen_addresses = ''",
            "unix_socket_directories = '" + dir + "'",
            "hba_file = '" + dir + "/pg_hba.conf'",
            // recovery needs at least the source's settings of these (PostgresConfig's defaults)
            "max_wal_senders = 16",
            "max_replication_slots = 16",
            "restore_command = 'barman-cloud-wal-restore "
                + endpoint
                + " "
                + destination
                + " "
                + server
                + " %f %p'",
            "recovery_target_name = '" + restorePoint + "'",
            "recovery_target_action = 'promote'",
            "CONF",
            "echo 'local all all trust' > " + dir + "/pg_hba.conf",
            "touch " + data + "/recovery.signal",
            "pg_ctl -D " + data + " -l " + dir + "/postgres.log -w -t 120 start",
            "until [ \"$(psql -XAt -h "
                + dir
                + " -U "
                + s.superuserCredentials().get("username")
                + " -d postgres -c 'SELECT pg_is_in_recovery()')\" = f ]; do sleep 0.5; done",
            "psql -XAt -h "
                + dir
                + " -U "
                + s.superuserCredentials().get("username")
                + " -d postgres -c 'SELECT count(*) || chr(124) || max(id) FROM items' > "
                + dir
                + "/result",
            "pg_ctl -D " + data + " -m immediate stop",
            "");
    Files.writeString(dir.resolve("restore.sh"), script);
    OsUser.own(dir);
    List<String> command = new ArrayList<>();
    if (OsUser.isRoot()) {
      command.addAll(OsUser.dropTo(OsUser.POSTGRES));
    }
    command.addAll(List.of("sh", dir.resolve("restore.sh").toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("restore.log").toFile());
    builder.environment().put("PATH", LocalPod.PATH);
    builder.environment().put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    builder.environment().put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
    Process p = builder.start();
    if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "restore failed: " + Files.readString(dir.resolve("restore.log")));
    }
    return Files.readString(dir.resolve("result")).strip();
  }
}
