package io.pgshard.e2e.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control plane's binaries are: {@code .ci/control-plane} builds them into a cache
 * outside the checkout ({@code $PGSHARD_CACHE_DIR}, default /var/cache/pgshard); etcd comes from
 * Debian's etcd-server. Missing binaries fail the test with the command that builds them: the
 * cluster level is part of {@code mvn verify}, it does not skip.
 */
public record Binaries(Path kubeApiserver, Path controllerManager, Path scheduler, Path etcd) {

  public static final String VERSION = "v1.20.2";

  public static Binaries find() {
    String configured = System.getenv("PGSHARD_CONTROL_PLANE_BIN");
    Path bin;
    if (configured != null && !configured.isBlank()) {
      bin = Path.of(configured);
    } else {
      String cache = System.getenv().getOrDefault("PGSHARD_CACHE_DIR", "/var/cache/pgshard");
      bin = Path.of(cache, "kubernetes-" + VERSION, "bin");
    }
    Binaries found =
        new Binaries(
            bin.resolve("kube-apiserver"),
            bin.resolve("kube-controller-manager"),
            bin.resolve("kube-scheduler"),
            Path.of("/usr/bin/etcd"));
    List<Path> missing =
        List.of(found.kubeApiserver, found.controllerManager, found.scheduler, found.etcd).stream()
            .filter(p -> !Files.isExecutable(p))
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the Kubernetes control plane is not built: missing "
              + missing
              + "; build it once with .ci/control-plane (as root; about 5-20 minutes)");
    }
    return found;
  }

  public static boolean present() {
    try {
      find();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
