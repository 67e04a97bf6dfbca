package io.pgshard.e2e.rolling;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.pgshard.e2e.harness.Harness;
import io.pgshard.e2e.scenarios.ClusterView;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardRolloutStatus;
import io.pgshard.operator.testing.Writer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A rolling restart under load, on any harness: a cluster of {@code shards} shards with {@code
 * replicas} standbys and a pooler each, one client writing through every shard's pooler while a
 * change rolls, and what the clients saw: errors, acknowledged writes the shard lost, the longest
 * time between two acknowledged writes, and the most instances of one shard down at once (sampled
 * every 200 ms from the pods' readiness). Used by the scenario test and the benchmark.
 */
public final class RollingRun implements AutoCloseable {

  /** The image the cluster starts with; the harness runs any tag of postgres. */
  public static final String IMAGE = "postgres:15.4";

  public static final Duration CONVERGE = Duration.ofMinutes(4);

  private final Harness harness;
  private final String namespace;
  private final ClusterView view;
  private final Path manifests;
  private final int shards;

  private RollingRun(Harness harness, String namespace, ClusterView view, Path manifests, int n) {
    this.harness = harness;
    this.namespace = namespace;
    this.view = view;
    this.manifests = manifests;
    this.shards = n;
  }

  /** Applies the cluster and waits until it is Ready. */
  public static RollingRun start(
      Harness harness,
      String namespace,
      String name,
      int shards,
      int replicas,
      int maxShardsInParallel) {
    try {
      Path manifests = Files.createTempDirectory("pgshard-rolling-");
      RollingRun run =
          new RollingRun(
              harness, namespace, new ClusterView(harness, namespace, name), manifests, shards);
      Path file = manifests.resolve(name + ".yaml");
      Files.writeString(file, manifest(name, shards, replicas, maxShardsInParallel));
      harness.apply(file, namespace);
      run.view.awaitReady(shards, CONVERGE);
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String manifest(String name, int shards, int replicas, int maxShardsInParallel) {
    return ClusterView.manifest(
            name,
            shards,
            replicas,
            IMAGE,
            "      storageClassName: expandable\n"
                + "    parameters:\n"
                + "      shared_buffers: 16MB\n")
        + "  rollout:\n"
        + "    maxShardsInParallel: "
        + maxShardsInParallel
        + "\n";
  }

  public ClusterView view() {
    return view;
  }

  /** What clients and pods went through during one rollout. */
  public record Outcome(
      Duration took,
      List<String> clientErrors,
      long acknowledged,
      long lostAcknowledged,
      long maxStallMillis,
      int restartedInstances,
      int mostDownInAShard,
      Map<String, Instant> restartedAt,
      Map<String, String> primaryBefore,
      List<Long> stallsMillis,
      List<Double> latenciesMillis) {

    /** One line for a test's output. */
    public String summary() {
      return took.toMillis() / 1000
          + " s, "
          + acknowledged
          + " writes acknowledged, "
          + clientErrors.size()
          + " client errors "
          + clientErrors
          + ", "
          + lostAcknowledged
          + " lost, longest stall "
          + maxStallMillis
          + " ms, "
          + restartedInstances
          + " instances restarted, at most "
          + mostDownInAShard
          + " down in a shard";
    }
  }

  /**
   * Starts a writer per shard, runs {@code change}, waits until every instance of every shard was
   * restarted (a new pod) and every shard's rollout is UpToDate again, then stops the writers and
   * checks their acknowledged writes on each shard's primary.
   */
  public Outcome roll(Runnable change) {
    Map<String, Set<String>> before = uids();
    Map<String, String> primaries = new HashMap<>();
    for (PostgresShard shard : view.shards()) {
      primaries.put(shard.getMetadata().getName(), view.primary(shard.getMetadata().getName()));
    }
    Map<String, String> app = view.appCredentials();
    List<Writer> writers = new ArrayList<>();
    Map<String, Writer> byShard = new HashMap<>();
    for (PostgresShard shard : view.shards()) {
      Writer w =
          Writer.start(
              view.pooler(shard.getMetadata().getName()),
              app.get("username"),
              app.get("password"),
              view.database());
      writers.add(w);
      byShard.put(shard.getMetadata().getName(), w);
    }
    DownWatch down = new DownWatch();
    Instant started;
    try {
      writers.forEach(w -> w.awaitAcknowledged(20, Duration.ofMinutes(1)));
      down.start();
      started = Instant.now();
      change.run();
      awaitRolledOut(before);
      Instant done = Instant.now();
      writers.forEach(
          w -> w.awaitAcknowledged(w.acknowledged().size() + 20L, Duration.ofMinutes(1)));
      down.close();
      writers.forEach(Writer::close);
      long lost = 0;
      for (Map.Entry<String, Writer> e : byShard.entrySet()) {
        try (Connection db = view.app(e.getKey())) {
          lost += Writer.missing(db, e.getValue().acknowledged()).size();
        }
      }
      return new Outcome(
          Duration.between(started, done),
          writers.stream().flatMap(w -> w.errors().stream()).toList(),
          writers.stream().mapToLong(w -> w.acknowledged().size()).sum(),
          lost,
          writers.stream().mapToLong(RollingRun::maxStallMillis).max().orElse(0),
          restartedSince(before),
          down.most(),
          restartTimes(),
          primaries,
          writers.stream().map(RollingRun::maxStallMillis).toList(),
          latencies(writers));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } finally {
      down.close();
      writers.forEach(Writer::close);
    }
  }

  /**
   * The baseline: the same writers for {@code quiet} with nothing rolling; restarted instances and
   * the most down are what the pods did meanwhile (nothing, on a healthy cluster).
   */
  public Outcome steady(Duration quiet) throws InterruptedException {
    Map<String, String> app = view.appCredentials();
    List<Writer> writers = new ArrayList<>();
    Map<String, Set<String>> before = uids();
    try {
      for (PostgresShard shard : view.shards()) {
        writers.add(
            Writer.start(
                view.pooler(shard.getMetadata().getName()),
                app.get("username"),
                app.get("password"),
                view.database()));
      }
      writers.forEach(w -> w.awaitAcknowledged(20, Duration.ofMinutes(1)));
      Thread.sleep(quiet.toMillis());
    } finally {
      writers.forEach(Writer::close);
    }
    return new Outcome(
        quiet,
        writers.stream().flatMap(w -> w.errors().stream()).toList(),
        writers.stream().mapToLong(w -> w.acknowledged().size()).sum(),
        0,
        writers.stream().mapToLong(RollingRun::maxStallMillis).max().orElse(0),
        restartedSince(before),
        0,
        Map.of(),
        Map.of(),
        writers.stream().map(RollingRun::maxStallMillis).toList(),
        latencies(writers));
  }

  private static List<Double> latencies(List<Writer> writers) {
    return writers.stream()
        .flatMap(w -> w.timings().stream())
        .map(t -> (t[1] - t[0]) / 1e6)
        .toList();
  }

  /** Every pod of every shard is new and every shard's rollout is UpToDate and Ready. */
  public void awaitRolledOut(Map<String, Set<String>> before) {
    await()
        .atMost(CONVERGE.multipliedBy(shards))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              Map<String, Set<String>> now = uids();
              for (Map.Entry<String, Set<String>> shard : before.entrySet()) {
                Set<String> current = now.getOrDefault(shard.getKey(), Set.of());
                if (current.size() < shard.getValue().size()
                    || current.stream().anyMatch(shard.getValue()::contains)) {
                  return false;
                }
              }
              return view.shards().stream().allMatch(RollingRun::upToDate);
            });
    view.awaitReady(shards, CONVERGE);
  }

  /** The shard's rollout says UpToDate. */
  public static boolean upToDate(PostgresShard shard) {
    ShardRolloutStatus rollout = shard.getStatus() == null ? null : shard.getStatus().getRollout();
    return rollout != null && "UpToDate".equals(rollout.getPhase());
  }

  /** The uids of each shard's running pods (not terminating). */
  public Map<String, Set<String>> uids() {
    Map<String, Set<String>> uids = new HashMap<>();
    for (PostgresShard shard : view.shards()) {
      String name = shard.getMetadata().getName();
      uids.put(
          name,
          view.pods(name).stream()
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .map(p -> p.getMetadata().getUid())
              .collect(Collectors.toSet()));
    }
    return uids;
  }

  private int restartedSince(Map<String, Set<String>> before) {
    int n = 0;
    for (Map.Entry<String, Set<String>> shard : uids().entrySet()) {
      Set<String> old = before.getOrDefault(shard.getKey(), Set.of());
      n += (int) shard.getValue().stream().filter(u -> !old.contains(u)).count();
    }
    return n;
  }

  /** When each pod was created (its restart, for the pods the rollout replaced). */
  private Map<String, Instant> restartTimes() {
    Map<String, Instant> at = new HashMap<>();
    for (PostgresShard shard : view.shards()) {
      for (Pod p : view.pods(shard.getMetadata().getName())) {
        at.put(p.getMetadata().getName(), Instant.parse(p.getMetadata().getCreationTimestamp()));
      }
    }
    return at;
  }

  /** The longest time between two acknowledged writes of one client (its stall). */
  static long maxStallMillis(Writer writer) {
    List<long[]> timings = writer.timings();
    long most = 0;
    for (int i = 1; i < timings.size(); i++) {
      most = Math.max(most, (timings.get(i)[1] - timings.get(i - 1)[1]) / 1_000_000);
    }
    return most;
  }

  /** The most instances of one shard not ready at the same moment, sampled every 200 ms. */
  private final class DownWatch implements AutoCloseable {
    private final Map<String, Integer> most = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private Thread thread;

    void start() {
      thread =
          new Thread(
              () -> {
                while (!stopped) {
                  try {
                    for (PostgresShard shard : view.shards()) {
                      String name = shard.getMetadata().getName();
                      int wanted = shard.getSpec().getReplicas() + 1;
                      long ready = view.pods(name).stream().filter(RollingRun::ready).count();
                      most.merge(name, (int) (wanted - ready), Math::max);
                    }
                    Thread.sleep(200);
                  } catch (InterruptedException e) {
                    return;
                  } catch (RuntimeException e) {
                    // the API was busy: look again
                  }
                }
              },
              "rolling-down-watch");
      thread.setDaemon(true);
      thread.start();
    }

    int most() {
      return most.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public void close() {
      stopped = true;
      if (thread != null) {
        try {
          thread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static boolean ready(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null) {
      return false;
    }
    return p.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(PodCondition::getStatus)
        .anyMatch("True"::equals);
  }

  public Harness harness() {
    return harness;
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public void close() {
    try (var files = Files.list(manifests)) {
      files.forEach(f -> f.toFile().delete());
      Files.deleteIfExists(manifests);
    } catch (IOException e) {
      // a temporary directory: left behind at worst
    }
  }
}
