package io.pgshard.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/** The harness's directories: a root the pods' unprivileged user can reach, and its removal. */
public final class Directories {

  private Directories() {}

  /** A new directory under the system's temporary one, readable and traversable by all. */
  public static Path newRoot(String prefix) {
    try {
      Path root = Files.createTempDirectory(prefix);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a tree, deepest first; nothing when it is absent. */
  public static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
