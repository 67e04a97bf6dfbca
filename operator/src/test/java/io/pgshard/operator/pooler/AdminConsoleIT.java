package io.pgshard.operator.pooler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgshard.operator.model.PgBouncerConfig;
import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin console client against a real PgBouncer, configured as the operator renders it. */
class AdminConsoleIT {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  LocalShards shards = new LocalShards();

  @AfterEach
  void stop() {
    shards.close();
  }

  @Test
  void pausesAndResumesAPoolerThatAClientUses() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(0);
    String pooler = s.startPoolerAt(0);
    Map<String, String> admin = s.poolerAdminCredentials();
    String password = s.secret("minimal-app").get("password");

    try (AdminConsole console = connect(pooler, admin.get("username"), admin.get("password"))) {
      assertThat(console.command("SHOW VERSION").get(0).get(0)).contains("PgBouncer");

      console.command("PAUSE");
      List<List<String>> databases = console.command("SHOW DATABASES");
      assertThat(databases).anySatisfy(row -> assertThat(row).contains("pgbouncer"));
      // a client's query waits while the pooler is paused, and runs once it resumes
      CompletableFuture<Integer> query =
          CompletableFuture.supplyAsync(
              () -> {
                try (Connection db = s.connect(pooler, "app", password, "app");
                    Statement st = db.createStatement();
                    var rs = st.executeQuery("SELECT 41 + 1")) {
                  rs.next();
                  return rs.getInt(1);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(1000);
      assertThat(query).isNotDone();
      console.command("RESUME");
      assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(42);
    }
  }

  @Test
  void theSuperuserIsNotAPoolerUser() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(0);
    String pooler = s.startPoolerAt(0);
    Map<String, String> superuser = s.superuserCredentials();

    assertThatThrownBy(() -> connect(pooler, superuser.get("username"), superuser.get("password")))
        .isInstanceOf(AdminConsole.ConsoleException.class)
        .hasMessageContaining("login refused");
    assertThatThrownBy(
            () -> s.connect(pooler, superuser.get("username"), superuser.get("password"), "app"))
        .isInstanceOf(java.sql.SQLException.class);
  }

  @Test
  void reportsAWrongPasswordAndAnUnknownCommandAsErrors() throws Exception {
    LocalShard s = shards.withPrimaryAndStandbys(0);
    String pooler = s.startPoolerAt(0);
    Map<String, String> admin = s.poolerAdminCredentials();

    assertThatThrownBy(() -> connect(pooler, admin.get("username"), "not-the-password"))
        .isInstanceOf(AdminConsole.ConsoleException.class)
        .hasMessageContaining("login refused");
    try (AdminConsole console = connect(pooler, admin.get("username"), admin.get("password"))) {
      assertThatThrownBy(() -> console.command("FLY TO THE MOON"))
          .isInstanceOf(AdminConsole.ConsoleException.class)
          .hasMessageContaining("FLY TO THE MOON");
      // the connection stays usable after an error
      assertThat(console.command("SHOW POOLS")).isNotNull();
    }
  }

  /** Connects once PgBouncer listens (it starts in the background). */
  static AdminConsole connect(String host, String user, String password) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreException(java.net.ConnectException.class)
        .until(
            () -> AdminConsole.connect(host, PgBouncerConfig.PORT, user, password, TIMEOUT),
            c -> {
              c.close();
              return true;
            });
    return AdminConsole.connect(host, PgBouncerConfig.PORT, user, password, TIMEOUT);
  }
}
