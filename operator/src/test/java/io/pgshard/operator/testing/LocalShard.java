package io.pgshard.operator.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ClusterSecretModel;
import io.pgshard.operator.model.PoolerConfigMapModel;
import io.pgshard.operator.model.PoolerDeploymentModel;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardConfigMaps;
import io.pgshard.operator.model.ShardNaming;
import io.pgshard.operator.model.ShardStatefulSetModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One shard run as local processes from the objects the operator generates: the StatefulSet's
 * container and the pooler Deployment's container (via {@link LocalPod}), the config, state and
 * pooler ConfigMaps written as their volumes would show them, generated Secrets. Each pod gets its
 * own loopback address and listens on the port its spec says. The test plays kube-proxy: it says
 * which pod the rw Service points at.
 */
public final class LocalShard implements AutoCloseable {

  private final Path root;
  private final PostgresShard shard;
  private final ShardNaming naming;
  private final Map<String, Map<String, String>> secrets = new HashMap<>();
  private final int subnet = ThreadLocalRandom.current().nextInt(16, 250);
  private final List<LocalPod> pods = new ArrayList<>();
  private LocalServiceProxy rw;
  private final Map<Integer, LocalPod> instances = new HashMap<>();

  public LocalShard(Path root, PostgresShard shard, String appUser) {
    this.root = dir(root);
    this.shard = shard;
    this.naming = ShardNaming.of(shard);
    var names = shard.getSpec().getSecrets();
    secrets.put(names.getSuperuser(), credentials(names.getSuperuserName()));
    secrets.put(names.getReplication(), credentials(names.getReplicationUser()));
    secrets.put(names.getApp(), credentials(appUser));
  }

  private static Map<String, String> credentials(String user) {
    return Map.of(
        ClusterSecretModel.USERNAME,
        user,
        ClusterSecretModel.PASSWORD,
        ClusterSecretModel.randomPassword(new java.security.SecureRandom()));
  }

  public String ip(int ordinal) {
    return "127.0." + subnet + "." + (10 + ordinal);
  }

  /** The address of the shard's rw Service. */
  public String rwIp() {
    return "127.0." + subnet + ".100";
  }

  /**
   * Points the rw Service at an instance (null: no primary), as labelling it primary does. Open
   * connections through it to the previous instance are dropped.
   */
  public synchronized void pointRwAt(Integer ordinal) {
    ensureRw().retarget(ordinal == null ? null : ip(ordinal));
  }

  private synchronized LocalServiceProxy ensureRw() {
    if (rw == null) {
      rw = new LocalServiceProxy(rwIp(), ShardStatefulSetModel.POSTGRES_PORT);
    }
    return rw;
  }

  public String poolerIp() {
    return "127.0." + subnet + ".200";
  }

  public String podName(int ordinal) {
    return ResourceNames.pod(naming.shard(), ordinal);
  }

  public Map<String, String> secret(String name) {
    return secrets.get(name);
  }

  public Map<String, String> superuserCredentials() {
    return secrets.get(shard.getSpec().getSecrets().getSuperuser());
  }

  /** The process last started for an ordinal. */
  public LocalPod pod(int ordinal) {
    return instances.get(ordinal);
  }

  /** What the operator's promotion does: {@code pg_promote()} and wait for it. */
  public void promote(int ordinal) {
    try (Connection db = superuser(ordinal, "postgres");
        java.sql.Statement st = db.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT pg_promote(true, 60)")) {
      if (!rs.next() || !rs.getBoolean(1)) {
        throw new IllegalStateException("pg_promote did not finish on " + podName(ordinal));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("promotion of " + podName(ordinal) + " failed", e);
    }
  }

  /** Starts instance {@code ordinal}; the rw Service points at {@code primaryOrdinal}. */
  public LocalPod startInstance(int ordinal, boolean initialized, int primaryOrdinal) {
    pointRwAt(primaryOrdinal);
    return startInstance(ordinal, initialized);
  }

  /** Starts instance {@code ordinal}; the rw Service stays where it points. */
  public LocalPod startInstance(int ordinal, boolean initialized) {
    ensureRw();
    StatefulSet sts = ShardStatefulSetModel.desired(shard);
    Container container = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    Path podDir = root.resolve(podName(ordinal));
    Map<String, Path> mounts = new HashMap<>();
    for (var mount : container.getVolumeMounts()) {
      mounts.put(mount.getMountPath(), dir(podDir.resolve(mount.getName())));
    }
    ConfigMap config =
        ShardConfigMaps.config(shard, shard.getSpec().getSecrets().getReplicationUser());
    ConfigMap state = ShardConfigMaps.state(shard, initialized);
    writeVolume(mounts.get(mountPath(container, "config")), config.getData(), Map.of());
    writeVolume(mounts.get(mountPath(container, "state")), state.getData(), Map.of());
    OsUser.own(podDir);
    LocalPod pod =
        LocalPod.start(
            podName(ordinal),
            ip(ordinal),
            container,
            mounts,
            secrets,
            Map.of(naming.primaryHost(), rwIp()),
            root.resolve(podName(ordinal) + ".log"));
    pods.add(pod);
    instances.put(ordinal, pod);
    return pod;
  }

  /** Starts one PgBouncer pod pointed (through the rw Service) at {@code primaryOrdinal}. */
  public LocalPod startPooler(int primaryOrdinal) {
    ConfigMap config =
        PoolerConfigMapModel.desired(shard, shard.getSpec().getSecrets().getSuperuserName());
    Deployment deployment = PoolerDeploymentModel.desired(shard, config);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Path podDir = root.resolve("pooler");
    Map<String, Path> mounts = new HashMap<>();
    for (var mount : container.getVolumeMounts()) {
      mounts.put(mount.getMountPath(), dir(podDir.resolve(mount.getName())));
    }
    pointRwAt(primaryOrdinal);
    Map<String, String> hosts = Map.of(naming.primaryHost(), rwIp());
    writeVolume(mounts.get(mountPath(container, "config")), config.getData(), hosts);
    OsUser.own(podDir);
    LocalPod pod =
        LocalPod.start(
            "pooler", poolerIp(), container, mounts, secrets, hosts, root.resolve("pooler.log"));
    pods.add(pod);
    return pod;
  }

  /** Starts the pooler (rw Service at {@code primaryOrdinal}) and returns its address. */
  public String startPoolerAt(int primaryOrdinal) {
    startPooler(primaryOrdinal);
    return poolerIp();
  }

  /** Runs the container's readiness probe until it passes. */
  public void awaitReady(LocalPod pod, int ordinal) {
    StatefulSet sts = ShardStatefulSetModel.desired(shard);
    var probe = sts.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!pod.isAlive()) {
        throw new IllegalStateException(pod.name() + " exited:\n" + pod.log());
      }
      if (pod.exec(probe.getExec().getCommand()) == 0) {
        return;
      }
      sleep(250);
    }
    throw new IllegalStateException(pod.name() + " not ready in 120 s:\n" + pod.log());
  }

  public Connection connect(String host, String user, String password, String database)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    props.setProperty("prepareThreshold", "0");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + ShardStatefulSetModel.POSTGRES_PORT + "/" + database,
        props);
  }

  public Connection superuser(int ordinal, String database) throws SQLException {
    Map<String, String> s = superuserCredentials();
    return connect(ip(ordinal), s.get("username"), s.get("password"), database);
  }

  private static String mountPath(Container container, String volume) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow()
        .getMountPath();
  }

  private static void writeVolume(Path dir, Map<String, String> data, Map<String, String> hosts) {
    try {
      for (var entry : data.entrySet()) {
        String content = entry.getValue();
        for (var host : hosts.entrySet()) {
          content = content.replace(host.getKey(), host.getValue());
        }
        Files.writeString(dir.resolve(entry.getKey()), content);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path dir(Path path) {
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    pods.forEach(LocalPod::close);
    if (rw != null) {
      rw.close();
    }
  }
}
