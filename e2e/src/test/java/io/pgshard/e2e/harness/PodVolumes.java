package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.testing.OsUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A pod's volumes as directories: emptyDir under the pod's own directory (gone with the pod), a
 * PersistentVolumeClaim as a directory named after the claim (it outlives the pod, as a volume
 * does), ConfigMap and Secret volumes as one file per key, rewritten whenever the object changes
 * (as the kubelet's sync does) with mount paths and Service names translated in their contents.
 */
final class PodVolumes {

  private final KubernetesClient client;
  private final String namespace;
  private final Path podDir;
  private final Path claimsDir;
  private final Map<String, Path> byVolume = new LinkedHashMap<>();
  private final Map<String, Volume> projected = new LinkedHashMap<>();
  private UnaryOperator<String> translate = UnaryOperator.identity();

  PodVolumes(KubernetesClient client, Pod pod, Path podDir, Path claimsDir) {
    this.client = client;
    this.namespace = pod.getMetadata().getNamespace();
    this.podDir = podDir;
    this.claimsDir = claimsDir;
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getEmptyDir() != null) {
        byVolume.put(volume.getName(), ownedDir(podDir.resolve(volume.getName())));
      } else if (volume.getPersistentVolumeClaim() != null) {
        byVolume.put(volume.getName(), claimDir(volume.getPersistentVolumeClaim().getClaimName()));
      } else if (volume.getConfigMap() != null || volume.getSecret() != null) {
        byVolume.put(volume.getName(), dir(podDir.resolve(volume.getName())));
        projected.put(volume.getName(), volume);
      } else {
        throw new IllegalArgumentException(
            "volume "
                + volume.getName()
                + ": only emptyDir, persistentVolumeClaim, configMap"
                + " and secret volumes run here");
      }
    }
  }

  /** Where a claim's data lives on this machine. */
  static Path claimPath(Path claimsDir, String namespace, String claim) {
    return claimsDir.resolve(namespace).resolve(claim);
  }

  private Path claimDir(String claim) {
    Path path = claimPath(claimsDir, namespace, claim);
    return Files.isDirectory(path) ? path : ownedDir(path);
  }

  /**
   * Container mount path to this machine's directory (subPath included), and the termination
   * message path to the file that stands in for it.
   */
  Map<String, Path> mounts(Container container) {
    Map<String, Path> mounts = new HashMap<>();
    for (var mount : container.getVolumeMounts()) {
      Path dir = byVolume.get(mount.getName());
      if (dir == null) {
        throw new IllegalArgumentException("no volume " + mount.getName());
      }
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        dir = dir.resolve(mount.getSubPath());
      }
      mounts.put(mount.getMountPath(), dir);
    }
    mounts.putIfAbsent(
        ContainerRun.terminationPath(container), ContainerRun.terminationFile(podDir, container));
    return mounts;
  }

  /**
   * Writes the ConfigMap and Secret volumes as the API holds them now, translating their contents;
   * only changed files are written. False while a referenced object is missing (the pod waits).
   */
  boolean refresh(UnaryOperator<String> translate) {
    this.translate = translate;
    boolean complete = true;
    for (var entry : projected.entrySet()) {
      Volume volume = entry.getValue();
      Map<String, byte[]> data = data(volume);
      if (data == null) {
        complete = false;
        continue;
      }
      Integer mode =
          volume.getConfigMap() != null
              ? volume.getConfigMap().getDefaultMode()
              : volume.getSecret().getDefaultMode();
      List<KeyToPath> items =
          volume.getConfigMap() != null
              ? volume.getConfigMap().getItems()
              : volume.getSecret().getItems();
      write(byVolume.get(entry.getKey()), data, items, mode == null ? 0644 : mode);
    }
    return complete;
  }

  private Map<String, byte[]> data(Volume volume) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (volume.getConfigMap() != null) {
      ConfigMap cm =
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(volume.getConfigMap().getName())
              .get();
      if (cm == null) {
        return Boolean.TRUE.equals(volume.getConfigMap().getOptional()) ? data : null;
      }
      if (cm.getData() != null) {
        cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
      }
      if (cm.getBinaryData() != null) {
        cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
      }
      return data;
    }
    Secret secret =
        client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
    if (secret == null) {
      return Boolean.TRUE.equals(volume.getSecret().getOptional()) ? data : null;
    }
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  private void write(Path dir, Map<String, byte[]> data, List<KeyToPath> items, int mode) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      files.putAll(data);
    } else {
      for (KeyToPath item : items) {
        if (data.containsKey(item.getKey())) {
          files.put(item.getPath(), data.get(item.getKey()));
        }
      }
    }
    try {
      for (var file : files.entrySet()) {
        byte[] content =
            translate
                .apply(new String(file.getValue(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        Path target = dir.resolve(file.getKey());
        if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions(mode)));
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      try (var existing = Files.list(dir)) {
        for (Path path : existing.toList()) {
          String name = path.getFileName().toString();
          if (!name.startsWith(".") && Files.isRegularFile(path) && !files.containsKey(name)) {
            Files.delete(path);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String permissions(int mode) {
    String all = "rwxrwxrwx";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? all.charAt(i) : '-');
    }
    return s.toString();
  }

  /** Removes what belongs to the pod alone (emptyDir and projected files); claims stay. */
  void deletePodFiles() {
    for (var entry : byVolume.entrySet()) {
      if (entry.getValue().startsWith(podDir)) {
        Directories.delete(entry.getValue());
      }
    }
  }

  private static Path ownedDir(Path path) {
    dir(path);
    OsUser.own(path);
    return path;
  }

  private static Path dir(Path path) {
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
