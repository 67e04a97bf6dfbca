package io.pgshard.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.ReplicationMode;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The manifests in {@code samples/}, as the tests load them. */
public final class Samples {

  private Samples() {}

  public static Path dir() {
    String configured = System.getProperty("pgshard.samples.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "samples");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("samples directory not found: " + dir.toAbsolutePath());
    }
    return dir;
  }

  public static Path path(String name) {
    return dir().resolve(name);
  }

  /** Every object in a sample file, parsed by the fabric8 client. */
  public static List<HasMetadata> objects(KubernetesClient client, String name) {
    try (InputStream in = Files.newInputStream(path(name))) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ShardedCluster in a sample file. */
  public static ShardedCluster cluster(KubernetesClient client, String name) {
    return objects(client, name).stream()
        .filter(o -> "ShardedCluster".equals(o.getKind()))
        .map(o -> client.getKubernetesSerialization().convertValue(o, ShardedCluster.class))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no ShardedCluster in " + name));
  }

  /** Creates every object of a sample in a namespace. */
  public static void apply(KubernetesClient client, String name, String namespace) {
    for (HasMetadata object : objects(client, name)) {
      object.getMetadata().setNamespace(namespace);
      client.resource(object).inNamespace(namespace).create();
    }
  }

  /**
   * Creates {@code samples/minimal.yaml} as one shard of a primary and {@code replicas} standbys
   * (synchronous with one sync standby when {@code sync}) named {@code name} in {@code namespace},
   * and waits until its phase is Ready.
   */
  public static ShardedCluster createOneShard(
      KubernetesClient client,
      String namespace,
      String name,
      int replicas,
      boolean sync,
      Duration timeout) {
    ShardedCluster manifest = cluster(client, "minimal.yaml");
    manifest.getMetadata().setName(name);
    manifest.getMetadata().setNamespace(namespace);
    manifest.getSpec().setShards(1);
    manifest.getSpec().setReplicas(replicas);
    if (sync) {
      manifest.getSpec().getReplication().setMode(ReplicationMode.SYNC);
      manifest.getSpec().getReplication().setSyncReplicas(1);
    }
    ShardedCluster created = client.resource(manifest).create();
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                "Ready"
                    .equals(
                        client
                            .resources(ShardedCluster.class)
                            .inNamespace(namespace)
                            .withName(name)
                            .get()
                            .getStatus()
                            .getPhase()));
    return created;
  }
}
