package io.pgshard.e2e.kind;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.pgshard.operator.model.PgBouncerConfig;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.Jdbc;
import io.pgshard.operator.testing.SecretValues;
import io.pgshard.operator.testing.Writer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A shard's pooler Service forwarded to a local port (as {@code kubectl port-forward svc/...}), and
 * connections through it as the application: the {@code <cluster>-app} Secret's credentials, the
 * database of {@code spec.database.name}.
 */
final class PoolerForward implements AutoCloseable {

  private final LocalPortForward forward;
  private final String user;
  private final String password;
  private final String database;

  private PoolerForward(LocalPortForward forward, Map<String, String> app, String database) {
    this.forward = forward;
    this.user = app.get("username");
    this.password = app.get("password");
    this.database = database;
  }

  static PoolerForward open(
      KubernetesClient client, String namespace, String cluster, String database, String shard) {
    String secret = ResourceNames.appSecret(cluster);
    Map<String, String> app =
        SecretValues.credentials(client, namespace, List.of(secret)).get(secret);
    // the forward goes to one pooler pod; a failover moves PgBouncer's server, not that pod
    LocalPortForward forward =
        client
            .services()
            .inNamespace(namespace)
            .withName(ResourceNames.pooler(shard))
            .portForward(PgBouncerConfig.PORT);
    return new PoolerForward(forward, app, database);
  }

  String user() {
    return user;
  }

  Connection connect() throws SQLException {
    return Jdbc.connect(host(), port(), user, password, database);
  }

  String host() {
    return forward.getLocalAddress().getHostAddress();
  }

  int port() {
    return forward.getLocalPort();
  }

  /** Steady writes through this forward (see {@link Writer}). */
  Writer writer() {
    return Writer.start(host(), port(), user, password, database);
  }

  @Override
  public void close() {
    try {
      forward.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
