package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.PostgresShardModel;
import io.pgshard.operator.model.ResourceNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Creates {@link LocalShard}s of {@code samples/minimal.yaml} (customized per test) under one
 * temporary directory, and stops and removes everything on close.
 */
public final class LocalShards implements AutoCloseable {

  private static final KubernetesClient PARSER = new KubernetesClientBuilder().build();

  private final Path root;
  private final List<LocalShard> shards = new ArrayList<>();

  public LocalShards() {
    try {
      root = Files.createTempDirectory("pgshard-it-");
      // the unprivileged server user must be able to reach its pod directories
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Shard 0 of the minimal sample, as the operator would generate it, nothing started. */
  public LocalShard create(Consumer<ShardedCluster> customize) {
    ShardedCluster cluster = Samples.cluster(PARSER, "minimal.yaml");
    cluster.getMetadata().setNamespace("it");
    cluster.getMetadata().setUid("00000000-0000-0000-0000-000000000001");
    customize.accept(cluster);
    PostgresShard postgresShard = PostgresShardModel.desired(cluster, 0);
    postgresShard.setMetadata(new ObjectMeta());
    postgresShard.getMetadata().setName(ResourceNames.shard(cluster.getMetadata().getName(), 0));
    postgresShard.getMetadata().setNamespace("it");
    postgresShard.getMetadata().setUid("00000000-0000-0000-0000-000000000002");
    LocalShard shard =
        new LocalShard(
            root.resolve("shard-" + shards.size()),
            postgresShard,
            cluster.getSpec().getDatabase().getOwner());
    shards.add(shard);
    return shard;
  }

  /** A shard the operator generated (its PostgresShard and Secrets), nothing started. */
  public LocalShard adopt(PostgresShard postgresShard, Map<String, Map<String, String>> secrets) {
    LocalShard shard =
        new LocalShard(root.resolve("shard-" + shards.size()), postgresShard, secrets);
    shards.add(shard);
    return shard;
  }

  /**
   * A running shard: ordinal 0 bootstrapped and promoted (as the operator's first promotion does),
   * then {@code standbys} clones, all ready.
   */
  public LocalShard withPrimaryAndStandbys(int standbys) {
    return withPrimaryAndStandbys(standbys, c -> {});
  }

  public LocalShard withPrimaryAndStandbys(int standbys, Consumer<ShardedCluster> customize) {
    LocalShard shard =
        create(
            c -> {
              c.getSpec().setReplicas(standbys);
              customize.accept(c);
            });
    shard.awaitReady(shard.startInstance(0, false, 0), 0);
    shard.promote(0);
    for (int i = 1; i <= standbys; i++) {
      shard.awaitReady(shard.startInstance(i, true, 0), i);
    }
    return shard;
  }

  /** The last run's pod logs are kept here for a look after a failure. */
  public static final Path KEPT_LOGS =
      Path.of(System.getProperty("java.io.tmpdir"), "pgshard-it-logs");

  private void keepLogs() {
    try (Stream<Path> logs = Files.walk(root)) {
      Files.createDirectories(KEPT_LOGS);
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(
            log,
            KEPT_LOGS.resolve(root.relativize(log).toString().replace('/', '_')),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    shards.forEach(LocalShard::close);
    keepLogs();
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
