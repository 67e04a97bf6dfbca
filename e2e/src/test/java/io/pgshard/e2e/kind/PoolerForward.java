package io.pgshard.e2e.kind;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.pgshard.operator.model.PgBouncerConfig;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.testing.SecretValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    // PgBouncer in transaction mode: no server-side prepared statements
    props.setProperty("prepareThreshold", "0");
    return DriverManager.getConnection(
        "jdbc:postgresql://"
            + forward.getLocalAddress().getHostAddress()
            + ":"
            + forward.getLocalPort()
            + "/"
            + database,
        props);
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
