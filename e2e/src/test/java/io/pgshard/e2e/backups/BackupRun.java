package io.pgshard.e2e.backups;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.BaseBackupRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.RestorePointRecord;
import io.pgshard.operator.api.v1alpha1.ShardBackupStatus;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A user's backups on either end-to-end level: an S3-compatible server (s3rver), the Secret with
 * its keys, and a ShardedCluster with spec.backup applied as a manifest, as {@code kubectl apply}
 * would; then what the user does with it (rows on every shard, an on-demand base backup, a
 * cross-shard restore point, a new cluster restored from the backups) and what they check. Used by
 * the tests and by the backup benchmark.
 */
public final class BackupRun implements AutoCloseable {

  public static final String BUCKET = "pgshard-e2e";
  public static final String SECRET = "backup-s3";
  public static final String PATH = "e2e";
  public static final String IMAGE = "registry.example.com/pgshard-postgres:15";
  public static final Duration CONVERGE = Duration.ofMinutes(5);
  public static final Duration WRITE = Duration.ofMinutes(1);

  private final Harness harness;
  private final String namespace;
  private final S3Server s3;
  private final Path manifests;
  private final ClusterView source;
  private final int shards;

  private BackupRun(
      Harness harness,
      String namespace,
      S3Server s3,
      Path manifests,
      ClusterView source,
      int shards) {
    this.harness = harness;
    this.namespace = namespace;
    this.s3 = s3;
    this.manifests = manifests;
    this.source = source;
    this.shards = shards;
  }

  /**
   * Starts s3rver and applies the Secret and a cluster {@code name} of {@code shards} shards with
   * {@code replicas} standbys each, backups on (nightly schedule: the first backup is the only
   * scheduled one a run sees).
   */
  public static BackupRun start(
      Harness harness, String namespace, String name, int shards, int replicas) {
    S3Server s3 = S3Server.start(BUCKET);
    try {
      Path manifests = Files.createTempDirectory("pgshard-manifests-");
      BackupRun run =
          new BackupRun(
              harness, namespace, s3, manifests, new ClusterView(harness, namespace, name), shards);
      run.apply(name, secret() + cluster(name, shards, replicas, s3.endpoint(), null));
      return run;
    } catch (IOException e) {
      s3.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      s3.close();
      throw e;
    }
  }

  public ClusterView source() {
    return source;
  }

  public S3Server s3() {
    return s3;
  }

  public int shards() {
    return shards;
  }

  /** Applies a manifest as {@code kubectl apply -f} would. */
  public void apply(String name, String yaml) {
    try {
      Path file = manifests.resolve(name + ".yaml");
      Files.writeString(file, yaml);
      harness.apply(file, namespace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String secret() {
    return "apiVersion: v1\n"
        + "kind: Secret\n"
        + "metadata:\n"
        + "  name: "
        + SECRET
        + "\n"
        + "stringData:\n"
        + "  ACCESS_KEY_ID: "
        + S3Server.ACCESS_KEY
        + "\n"
        + "  SECRET_ACCESS_KEY: "
        + S3Server.SECRET_KEY
        + "\n"
        + "---\n";
  }

  /** A ShardedCluster with backups on; {@code bootstrap} (YAML under spec) may be null. */
  static String cluster(String name, int shards, int replicas, String endpoint, String bootstrap) {
    return ClusterView.manifest(name, shards, replicas, IMAGE, "")
        + (bootstrap == null ? "" : bootstrap)
        + "  backup:\n"
        + storage(endpoint, "    ")
        + "    schedule: \"0 2 * * *\"\n"
        + "    retention:\n"
        + "      count: 7\n"
        + "    compression: gzip\n";
  }

  private static String storage(String endpoint, String indent) {
    return indent
        + "s3:\n"
        + indent
        + "  bucket: "
        + BUCKET
        + "\n"
        + indent
        + "  path: "
        + PATH
        + "\n"
        + indent
        + "  endpoint: "
        + endpoint
        + "\n"
        + indent
        + "  region: us-east-1\n"
        + indent
        + "  credentials:\n"
        + indent
        + "    secretName: "
        + SECRET
        + "\n";
  }

  /** What a restore is to: a named point, a time, or (both null) the end of the archive. */
  public record Target(String restorePoint, String targetTime) {
    public static Target point(String name) {
      return new Target(name, null);
    }

    public static Target time(Instant at) {
      return new Target(null, at.toString());
    }

    String yaml() {
      return restorePoint != null
          ? "      restorePoint: " + restorePoint + "\n"
          : targetTime != null ? "      targetTime: \"" + targetTime + "\"\n" : "";
    }
  }

  /**
   * Applies a new cluster {@code name} of {@code shards} shards bootstrapped from the source's
   * backups to {@code target}; its own backups go to the same bucket under its own name.
   */
  public ClusterView restore(String name, int shards, int replicas, Target target) {
    String bootstrap =
        "  bootstrap:\n"
            + "    fromBackup:\n"
            + "      cluster: "
            + source.cluster().getMetadata().getName()
            + "\n"
            + target.yaml()
            + storage(s3.endpoint(), "      ");
    apply(name, cluster(name, shards, replicas, s3.endpoint(), bootstrap));
    return new ClusterView(harness, namespace, name);
  }

  /** Waits until the cluster is Ready and every shard has a completed base backup. */
  public void awaitReadyAndBackedUp() {
    source.awaitReady(shards, CONVERGE);
    awaitBackups(b -> b.getLastCompleted() != null);
  }

  /** Each shard's backup status, once {@code done} holds for all. */
  public Map<String, ShardBackupStatus> awaitBackups(Predicate<ShardBackupStatus> done) {
    return awaitEveryShard(source, shards, shard -> shard.getStatus().getBackup(), done);
  }

  /**
   * What {@code read} gives for each shard of {@code view}, by shard name, once there are {@code
   * shards} shards and it is non-null and {@code done} for every one.
   */
  static <T> Map<String, T> awaitEveryShard(
      ClusterView view,
      int shards,
      java.util.function.Function<PostgresShard, T> read,
      Predicate<T> done) {
    Map<String, T> seen = new LinkedHashMap<>();
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              seen.clear();
              for (PostgresShard shard : view.shards()) {
                T value = read.apply(shard);
                if (value == null || !done.test(value)) {
                  return false;
                }
                seen.put(shard.getMetadata().getName(), value);
              }
              return seen.size() == shards;
            });
    return Map.copyOf(seen);
  }

  /**
   * Asks for a base backup of every shard now ({@code pgshard.io/backup}, as {@code kubectl
   * annotate} would) and returns each shard's completed backup.
   */
  public Map<String, BaseBackupRecord> backupNow(String request) {
    annotate(Labels.BACKUP, request);
    Map<String, ShardBackupStatus> done =
        awaitBackups(
            b ->
                request.equals(b.getLastRequest())
                    && b.getRunning() == null
                    && b.getLastCompleted() != null
                    && b.getLastCompleted().getName().startsWith("requested-"));
    Map<String, BaseBackupRecord> records = new LinkedHashMap<>();
    done.forEach((shard, b) -> records.put(shard, b.getLastCompleted()));
    return records;
  }

  /** One writer per shard of the source, through its pooler as the app (started). */
  public List<io.pgshard.operator.testing.Writer> writers() {
    Map<String, String> app = source.appCredentials();
    List<io.pgshard.operator.testing.Writer> writers = new ArrayList<>();
    for (PostgresShard shard : source.shards()) {
      writers.add(
          io.pgshard.operator.testing.Writer.start(
              source.pooler(shard.getMetadata().getName()),
              app.get("username"),
              app.get("password"),
              source.database()));
    }
    return writers;
  }

  /** Sets an annotation of the source cluster (the user owns them). */
  public void annotate(String key, String value) {
    source.edit(
        c -> {
          if (c.getMetadata().getAnnotations() == null) {
            c.getMetadata().setAnnotations(new LinkedHashMap<>());
          }
          c.getMetadata().getAnnotations().put(key, value);
          return c;
        });
  }

  /** Asks for a cross-shard restore point and waits until status records it. */
  public RestorePointRecord restorePoint(String name) {
    annotate(Labels.RESTORE_POINT, name);
    RestorePointRecord[] found = new RestorePointRecord[1];
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              found[0] =
                  source.cluster().getStatus().getBackup().getRestorePoints().stream()
                      .filter(p -> name.equals(p.getName()))
                      .findFirst()
                      .orElse(null);
              return found[0] != null;
            });
    return found[0];
  }

  /** {@code rows} rows of phase {@code phase} on every shard, ids from {@code from}. */
  public void write(String phase, long from, long rows, int padBytes) throws SQLException {
    for (PostgresShard shard : source.shards()) {
      try (Connection db = source.app(shard.getMetadata().getName());
          Statement st = db.createStatement()) {
        st.execute(
            "CREATE TABLE IF NOT EXISTS e2e_rows (id bigint PRIMARY KEY, phase text NOT NULL,"
                + " pad text)");
        st.execute(
            "INSERT INTO e2e_rows SELECT g, '"
                + phase
                + "', "
                + pad(padBytes)
                + " FROM generate_series("
                + from
                + ", "
                + (from + rows - 1)
                + ") g");
      }
    }
  }

  /** Random hex text of about {@code bytes} bytes (it compresses about 2:1, as real data might). */
  private static String pad(int bytes) {
    if (bytes <= 0) {
      return "NULL";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.max(1, bytes / 32); i++) {
      parts.add("md5(random()::text)");
    }
    return String.join(" || ", parts);
  }

  /**
   * Row count per phase on {@code shard} of {@code view} (the app's tables, through its pooler).
   */
  public static Map<String, Long> phases(ClusterView view, String shard) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection db = view.app(shard);
        Statement st = db.createStatement();
        var rs =
            st.executeQuery("SELECT phase, count(*) FROM e2e_rows GROUP BY phase ORDER BY 1")) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  /** The acknowledged ids a writer left in {@code shard} of {@code view}: their count and max. */
  public static long[] acks(ClusterView view, String shard) throws SQLException {
    try (Connection db = view.app(shard);
        Statement st = db.createStatement();
        var rs = st.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM acks")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /** Everything on every database of the shard's primary, in bytes (what a base backup copies). */
  public long databaseBytes(String shard) throws SQLException {
    try (Connection db = source.superuser(source.primary(shard), "postgres")) {
      return Long.parseLong(
          Jdbc.single(db, "SELECT sum(pg_database_size(oid))::bigint FROM pg_database"));
    }
  }

  /** The Restored condition of each shard of {@code view}, once every shard has one. */
  public static Map<String, Condition> awaitRestored(
      ClusterView view, int shards, Predicate<Condition> done) {
    return awaitEveryShard(
        view,
        shards,
        shard ->
            Conditions.find(shard.getStatus().getConditions(), Conditions.RESTORED).orElse(null),
        done);
  }

  /** The restore's own timing lines ({@code pgshard-restore: ... ms}) from a pod's log. */
  public String restoreLog(String pod) {
    return harness
        .kubelet()
        .logs(namespace, pod)
        .lines()
        .filter(l -> l.startsWith("pgshard-restore:"))
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Override
  public void close() {
    s3.close();
    try (var files = Files.walk(manifests)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover in the temporary directory
    }
  }
}
