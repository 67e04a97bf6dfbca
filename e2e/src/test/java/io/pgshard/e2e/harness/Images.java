package io.pgshard.e2e.harness;

import java.util.Map;
import java.util.Optional;

/**
 * What stands in for a container image: the local binaries a container of that image finds on its
 * PATH. Any tag of {@code postgres} runs this machine's PostgreSQL 15 and any tag of {@code
 * pgbouncer} its PgBouncer; {@code pgshard-postgres}, the instance image built from
 * operator/instance-image (PostgreSQL and Barman Cloud), runs both from this machine (Barman Cloud
 * from Debian's barman-cli-cloud). Another image cannot run here and its pod says so.
 */
final class Images {

  private static final String BASE = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

  private static final Map<String, String> PATHS =
      Map.of(
          "postgres",
          "/usr/lib/postgresql/15/bin:" + BASE,
          "pgshard-postgres",
          "/usr/lib/postgresql/15/bin:" + BASE,
          "pgbouncer",
          BASE);

  private Images() {}

  /** The PATH of a container of {@code image}, empty when nothing here can run it. */
  static Optional<String> path(String image) {
    return Optional.ofNullable(PATHS.get(repository(image)));
  }

  /** The last segment of the repository: ghcr.io/cloudnative-pg/pgbouncer:1.23.0 is pgbouncer. */
  static String repository(String image) {
    String name = image;
    int digest = name.indexOf('@');
    if (digest >= 0) {
      name = name.substring(0, digest);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      name = name.substring(0, colon);
    }
    return name.substring(slash + 1);
  }
}
