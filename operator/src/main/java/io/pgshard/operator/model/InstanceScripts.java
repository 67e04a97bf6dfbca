package io.pgshard.operator.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The POSIX shell scripts pgshard ships to its containers through ConfigMaps. */
public final class InstanceScripts {

  /** PostgreSQL container entrypoint: initdb, clone or restart, always as a standby. */
  public static final String RUN = "run.sh";

  /**
   * PostgreSQL container preStop hook: a primary waits (bounded) for the operator to hand over,
   * then PostgreSQL stops.
   */
  public static final String PRE_STOP = "prestop.sh";

  /**
   * Barman Cloud commands run by PostgreSQL: the archive_command of every instance, and the base
   * backups the operator starts.
   */
  public static final String BACKUP = "backup.sh";

  /** PgBouncer container entrypoint. */
  public static final String POOLER = "pooler.sh";

  private InstanceScripts() {}

  public static String load(String name) {
    try (InputStream in =
        InstanceScripts.class.getResourceAsStream("/io/pgshard/operator/scripts/" + name)) {
      if (in == null) {
        throw new IllegalStateException("script missing from the operator jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
