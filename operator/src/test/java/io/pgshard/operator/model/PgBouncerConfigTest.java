package io.pgshard.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pgshard.operator.api.v1alpha1.PoolMode;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.testing.TestClusters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerConfigTest {

  @Test
  void pointsEveryDatabaseAtTheRwServiceAndIsTunedForFailover() {
    String ini = ini(TestClusters.shard(0));
    assertThat(ini)
        .contains("* = host=orders-shard-0-rw.shop.svc port=5432")
        .contains("server_login_retry = 0.25")
        .contains("server_connect_timeout = 3")
        .contains("ignore_startup_parameters = extra_float_digits")
        .contains("pool_mode = transaction")
        .contains("default_pool_size = 20")
        .contains("max_client_conn = 1000")
        .contains("auth_type = scram-sha-256")
        .contains("admin_users = postgres")
        .contains("listen_addr = @POD_IP@")
        .contains("auth_file = @RUN_DIR@/userlist.txt");
  }

  @Test
  void specSettingsAndExtraParametersAreRendered() {
    PostgresShard shard =
        TestClusters.shard(
            0,
            s -> {
              s.getPooler().setPoolMode(PoolMode.SESSION);
              s.getPooler().setDefaultPoolSize(40);
              s.getPooler().setMaxClientConnections(5000);
              s.getPooler()
                  .setParameters(Map.of("query_wait_timeout", "30", "server_login_retry", "2"));
            });
    assertThat(ini(shard))
        .contains("pool_mode = session")
        .contains("default_pool_size = 40")
        .contains("max_client_conn = 5000")
        .contains("query_wait_timeout = 30")
        .contains("server_login_retry = 2");
  }

  @Test
  void theConfigMapCarriesTheIniAndTheEntrypoint() {
    ConfigMap cm = PoolerConfigMapModel.desired(TestClusters.shard(0), "postgres");
    assertThat(cm.getMetadata().getName()).isEqualTo("orders-shard-0-pooler");
    assertThat(cm.getData()).containsKeys("pgbouncer.ini", "pooler.sh");
    assertThat(cm.getData().get("pooler.sh")).contains("exec pgbouncer");
  }

  static String ini(PostgresShard shard) {
    ShardNaming n = ShardNaming.of(shard);
    return PgBouncerConfig.render(
        n.shard(), n.primaryHost(), "postgres", shard.getSpec().getPooler());
  }
}
