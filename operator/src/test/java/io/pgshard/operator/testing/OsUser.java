package io.pgshard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Running test servers as an unprivileged OS user: PostgreSQL and PgBouncer refuse root. */
public final class OsUser {

  public static final String POSTGRES = "postgres";

  private OsUser() {}

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * A command prefix that runs the rest as {@code user}. setpriv execs (no extra process), so the
   * PID a test holds is the server's own and signals reach it directly.
   */
  public static List<String> dropTo(String user) {
    return List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
  }

  /** Hands a directory tree to the unprivileged user (a no-op when not root). */
  public static void own(Path dir) {
    if (!isRoot()) {
      return;
    }
    try {
      Process p =
          new ProcessBuilder("chown", "-R", POSTGRES + ":" + POSTGRES, dir.toString())
              .inheritIO()
              .start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("chown failed for " + dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
