package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import io.pgshard.operator.api.v1alpha1.FromBackupSpec;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardSpec;
import io.pgshard.operator.api.v1alpha1.S3CredentialsSpec;
import io.pgshard.operator.api.v1alpha1.S3StorageSpec;
import io.pgshard.operator.api.v1alpha1.SecretNames;
import io.pgshard.operator.config.ServerCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of a shard's PostgreSQL instances: pods {@code <shard>-0..n}, a {@code data}
 * claim each, the instance script from the config ConfigMap as entrypoint.
 *
 * <p>Update strategy is OnDelete: a template change never restarts a healthy primary by itself; the
 * operator decides when to restart which instance (replicas first, then a switchover).
 */
public final class ShardStatefulSetModel {

  public static final int POSTGRES_PORT = 5432;

  /** The name of the PostgreSQL container in each instance pod. */
  public static final String POSTGRES_CONTAINER = "postgres";

  /** uid and gid of the postgres user in the official postgres images. */
  public static final long POSTGRES_UID = 999L;

  static final String DATA_MOUNT = "/var/lib/postgresql/data";

  /** A subdirectory, because a fresh volume's root may hold lost+found. */
  static final String PGDATA = DATA_MOUNT + "/pgdata";

  static final String CONFIG_MOUNT = "/etc/pgshard/config";
  static final String STATE_MOUNT = "/etc/pgshard/state";
  static final String RUN_MOUNT = "/run/pgshard";

  /**
   * How long a former primary waits for a new one before starting as a standby: longer than a
   * promotion takes, short enough that a restart of the whole shard is not held up for long.
   */
  static final int REJOIN_WAIT_SECONDS = 20;

  private static final String PROBE =
      "exec pg_isready -q -h \"$PGSHARD_RUN_DIR\" -p \"$PGPORT\" -t 3";

  /**
   * The liveness probe also leaves the data directory's {@code df} in {@code pgshard.df}, where the
   * operator's probe query reads it: PostgreSQL cannot tell a filesystem's size, and the claim's
   * capacity is reached before the filesystem on it grows. Written aside and renamed, so a reader
   * never sees half a file; a failing {@code df} never fails the probe.
   */
  static final String LIVENESS_PROBE =
      "df -kP \"$PGDATA\" > \"$PGDATA/pgshard.df.new\" 2>/dev/null"
          + " && mv -f \"$PGDATA/pgshard.df.new\" \"$PGDATA/pgshard.df\"; "
          + PROBE;

  private ShardStatefulSetModel() {}

  public static StatefulSet desired(PostgresShard shard, ServerCapabilities server) {
    ShardNaming naming = ShardNaming.of(shard);
    PostgresShardSpec spec = shard.getSpec();
    Map<String, String> selector = Labels.instanceSelector(naming.cluster(), naming.shard());
    Map<String, String> podLabels =
        Labels.forShard(naming.cluster(), naming.shard(), Labels.Component.POSTGRES);
    StatefulSet sts = build(shard, naming, spec, selector, podLabels);
    if (server.statefulSetClaimRetention()) {
      sts.getSpec()
          .setPersistentVolumeClaimRetentionPolicy(
              new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
                  .withWhenDeleted(
                      spec.getPostgres().getStorage().isDeleteClaimsWithCluster()
                          ? "Delete"
                          : "Retain")
                  .withWhenScaled("Retain")
                  .build());
    }
    return sts;
  }

  private static StatefulSet build(
      PostgresShard shard,
      ShardNaming naming,
      PostgresShardSpec spec,
      Map<String, String> selector,
      Map<String, String> podLabels) {
    return new StatefulSetBuilder()
        .withMetadata(
            Owned.meta(
                shard,
                ResourceNames.statefulSet(naming.shard()),
                Labels.forShard(naming.cluster(), naming.shard(), Labels.Component.POSTGRES)))
        .withNewSpec()
        .withServiceName(ResourceNames.podsService(naming.shard()))
        .withReplicas(spec.getReplicas() + 1)
        // every instance waits for what it needs (the rw Service), so none has to wait for
        // its predecessor's readiness
        .withPodManagementPolicy("Parallel")
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(restartRequests(shard))
        .endMetadata()
        .withNewSpec()
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(60L)
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(POSTGRES_UID)
                .withRunAsGroup(POSTGRES_UID)
                .withFsGroup(POSTGRES_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(selector)
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .withContainers(postgresContainer(naming, spec))
        .withVolumes(volumes(naming.shard()))
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(dataClaim(naming, spec))
        .endSpec()
        .build();
  }

  /**
   * The restart requests that are part of the pod template (absent when none was made): a new value
   * is a new StatefulSet revision, which the rollout brings to every instance.
   */
  static Map<String, String> restartRequests(PostgresShard shard) {
    Map<String, String> annotations = new java.util.TreeMap<>();
    String cluster = shard.getSpec().getRestartRequest();
    if (cluster != null && !cluster.isBlank()) {
      annotations.put(Labels.RESTART, cluster.strip());
    }
    String own = PostgresShardModel.annotation(shard, Labels.RESTART);
    if (own != null) {
      annotations.put(Labels.RESTART_SHARD, own);
    }
    return annotations.isEmpty() ? null : annotations;
  }

  private static Container postgresContainer(ShardNaming naming, PostgresShardSpec spec) {
    return new ContainerBuilder()
        .withName(POSTGRES_CONTAINER)
        .withImage(spec.getPostgres().getImage())
        .withCommand("/bin/sh", CONFIG_MOUNT + "/" + InstanceScripts.RUN)
        .withEnv(env(naming, spec))
        .addNewPort()
        .withName("postgres")
        .withContainerPort(POSTGRES_PORT)
        .withProtocol("TCP")
        .endPort()
        .withResources(ContainerParts.resources(spec.getPostgres().getResources()))
        .withVolumeMounts(mounts())
        // a clone of a large database can take long: the startup probe allows an hour; it looks
        // every 2 s so that a started instance is ready (and a new shard usable) without waiting
        // out a long period (10 s cost up to 10 s per instance start: e2e/bench/provisioning.sh)
        .withStartupProbe(probe(PROBE, 2, 1800))
        .withReadinessProbe(probe(PROBE, 5, 3))
        .withLivenessProbe(probe(LIVENESS_PROBE, 10, 6))
        .withNewLifecycle()
        .withNewPreStop()
        .withNewExec()
        .withCommand("/bin/sh", CONFIG_MOUNT + "/" + InstanceScripts.PRE_STOP)
        .endExec()
        .endPreStop()
        .endLifecycle()
        .withSecurityContext(
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build())
        .build();
  }

  private static Probe probe(String command, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("/bin/sh", "-c", command)
        .endExec()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static List<EnvVar> env(ShardNaming naming, PostgresShardSpec spec) {
    SecretNames secrets = spec.getSecrets();
    List<EnvVar> env = new ArrayList<>();
    env.add(ContainerParts.plain("PGDATA", PGDATA));
    env.add(ContainerParts.plain("PGPORT", Integer.toString(POSTGRES_PORT)));
    env.add(ContainerParts.fieldRef("POD_NAME", "metadata.name"));
    env.add(ContainerParts.fieldRef("POD_IP", "status.podIP"));
    env.add(ContainerParts.plain("PGSHARD_SHARD", naming.shard()));
    env.add(ContainerParts.plain("PGSHARD_RW_HOST", naming.primaryHost()));
    env.add(ContainerParts.plain("PGSHARD_CONFIG_DIR", CONFIG_MOUNT));
    env.add(ContainerParts.plain("PGSHARD_STATE_DIR", STATE_MOUNT));
    env.add(ContainerParts.plain("PGSHARD_RUN_DIR", RUN_MOUNT));
    env.add(ContainerParts.secretRef("PGSHARD_SUPERUSER", secrets.getSuperuser(), "username"));
    env.add(
        ContainerParts.secretRef("PGSHARD_SUPERUSER_PASSWORD", secrets.getSuperuser(), "password"));
    env.add(
        ContainerParts.secretRef("PGSHARD_REPLICATION_USER", secrets.getReplication(), "username"));
    env.add(
        ContainerParts.secretRef(
            "PGSHARD_REPLICATION_PASSWORD", secrets.getReplication(), "password"));
    env.add(ContainerParts.secretRef("PGSHARD_APP_USER", secrets.getApp(), "username"));
    env.add(ContainerParts.secretRef("PGSHARD_APP_PASSWORD", secrets.getApp(), "password"));
    env.add(ContainerParts.plain("PGSHARD_APP_DATABASE", spec.getDatabase().getName()));
    env.add(
        ContainerParts.plain("PGSHARD_REJOIN_WAIT_SECONDS", Integer.toString(REJOIN_WAIT_SECONDS)));
    if (spec.getBackup() != null) {
      // for backup.sh (Barman Cloud); optional, so that a missing Secret stops archiving (which
      // reports it) rather than PostgreSQL
      S3CredentialsSpec credentials = spec.getBackup().getS3().getCredentials();
      env.add(
          ContainerParts.optionalSecretRef(
              "AWS_ACCESS_KEY_ID", credentials.getSecretName(), credentials.getAccessKeyIdKey()));
      env.add(
          ContainerParts.optionalSecretRef(
              "AWS_SECRET_ACCESS_KEY",
              credentials.getSecretName(),
              credentials.getSecretAccessKeyKey()));
    }
    FromBackupSpec from = spec.getBootstrap() == null ? null : spec.getBootstrap().getFromBackup();
    S3StorageSpec source =
        from == null ? null : BackupSettings.restoreStorage(from, spec.getBackup());
    if (source != null && source.getCredentials() != null) {
      // the source's keys, for backup.sh restore alone (they may only read the source)
      S3CredentialsSpec credentials = source.getCredentials();
      env.add(
          ContainerParts.optionalSecretRef(
              "PGSHARD_RESTORE_ACCESS_KEY_ID",
              credentials.getSecretName(),
              credentials.getAccessKeyIdKey()));
      env.add(
          ContainerParts.optionalSecretRef(
              "PGSHARD_RESTORE_SECRET_ACCESS_KEY",
              credentials.getSecretName(),
              credentials.getSecretAccessKeyKey()));
    }
    return env;
  }

  private static List<VolumeMount> mounts() {
    return List.of(
        ContainerParts.mount(ResourceNames.DATA_VOLUME, DATA_MOUNT, false),
        ContainerParts.mount("config", CONFIG_MOUNT, true),
        ContainerParts.mount("state", STATE_MOUNT, true),
        ContainerParts.mount("run", RUN_MOUNT, false),
        ContainerParts.mount("tmp", "/tmp", false),
        ContainerParts.mount("shm", "/dev/shm", false));
  }

  private static List<Volume> volumes(String shard) {
    return List.of(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(ResourceNames.configMap(shard))
            .withDefaultMode(0444)
            .endConfigMap()
            .build(),
        new VolumeBuilder()
            .withName("state")
            .withNewConfigMap()
            .withName(ResourceNames.stateConfigMap(shard))
            .withDefaultMode(0444)
            .endConfigMap()
            .build(),
        // sockets, the postmaster's pid and lock files
        ContainerParts.emptyDir("run", "64Mi"),
        ContainerParts.emptyDir("tmp", "1Gi"),
        // PostgreSQL's dynamic shared memory lives in /dev/shm, 64Mi by default in containers
        new VolumeBuilder()
            .withName("shm")
            .withNewEmptyDir()
            .withMedium("Memory")
            .endEmptyDir()
            .build());
  }

  private static PersistentVolumeClaim dataClaim(ShardNaming naming, PostgresShardSpec spec) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(ResourceNames.DATA_VOLUME)
        .withLabels(Labels.forShard(naming.cluster(), naming.shard(), Labels.Component.POSTGRES))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(spec.getPostgres().getStorage().getStorageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(spec.getPostgres().getStorage().getSize()))
        .endResources()
        .endSpec()
        .build();
  }
}
