package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.SecretNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code <shard>-pooler} Deployment: PgBouncer pods pointed at the shard's rw Service. They hold no
 * state, so a config change rolls them (the template carries a hash of the ConfigMap).
 */
public final class PoolerDeploymentModel {

  public static final String CONFIG_HASH_ANNOTATION = "pgshard.io/config-hash";
  static final String CONFIG_MOUNT = "/etc/pgbouncer/config";
  static final String RUN_MOUNT = "/run/pgbouncer";

  private PoolerDeploymentModel() {}

  public static Deployment desired(PostgresShard shard, ConfigMap poolerConfig) {
    ShardNaming n = ShardNaming.of(shard);
    Map<String, String> labels = Labels.forShard(n.cluster(), n.shard(), Labels.Component.POOLER);
    return new DeploymentBuilder()
        .withMetadata(Owned.meta(shard, ResourceNames.pooler(n.shard()), labels))
        .withNewSpec()
        .withReplicas(shard.getSpec().getPooler().getInstances())
        .withNewSelector()
        .withMatchLabels(Labels.poolerSelector(n.cluster(), n.shard()))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(0))
        .withMaxSurge(new io.fabric8.kubernetes.api.model.IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .addToAnnotations(CONFIG_HASH_ANNOTATION, hash(poolerConfig.getData()))
        .endMetadata()
        .withNewSpec()
        .withEnableServiceLinks(false)
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("pgbouncer")
        .withImage(shard.getSpec().getPooler().getImage())
        .withCommand("/bin/sh", CONFIG_MOUNT + "/" + InstanceScripts.POOLER)
        .withEnv(env(shard.getSpec().getSecrets()))
        .addNewPort()
        .withName("pgbouncer")
        .withContainerPort(PgBouncerConfig.PORT)
        .withProtocol("TCP")
        .endPort()
        .withReadinessProbe(tcpProbe(5, 3))
        .withLivenessProbe(tcpProbe(10, 6))
        .withVolumeMounts(
            ContainerParts.mount("config", CONFIG_MOUNT, true),
            ContainerParts.mount("run", RUN_MOUNT, false))
        .withSecurityContext(
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withPrivileged(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build())
        .endContainer()
        .withVolumes(
            new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName(ResourceNames.pooler(n.shard()))
                .withDefaultMode(0444)
                .endConfigMap()
                .build(),
            ContainerParts.emptyDir("run", "64Mi"))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<EnvVar> env(SecretNames secrets) {
    return List.of(
        ContainerParts.fieldRef("POD_IP", "status.podIP"),
        ContainerParts.plain("PGSHARD_CONFIG_DIR", CONFIG_MOUNT),
        ContainerParts.plain("PGSHARD_RUN_DIR", RUN_MOUNT),
        ContainerParts.secretRef("PGSHARD_APP_USER", secrets.getApp(), "username"),
        ContainerParts.secretRef("PGSHARD_APP_PASSWORD", secrets.getApp(), "password"),
        ContainerParts.secretRef(
            "PGSHARD_POOLER_ADMIN_USER", secrets.poolerAdminSecret(), "username"),
        ContainerParts.secretRef(
            "PGSHARD_POOLER_ADMIN_PASSWORD", secrets.poolerAdminSecret(), "password"));
  }

  private static Probe tcpProbe(int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewTcpSocket()
        .withNewPort(PgBouncerConfig.PORT)
        .endTcpSocket()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(3)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static String hash(Map<String, String> data) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new java.util.TreeMap<>(data)
          .forEach(
              (k, v) -> {
                digest.update(k.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(v.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
              });
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
