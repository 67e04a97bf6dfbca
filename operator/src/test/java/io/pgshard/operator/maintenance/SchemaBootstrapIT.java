package io.pgshard.operator.maintenance;

import static io.pgshard.operator.testing.Jdbc.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgshard.operator.testing.LocalShard;
import io.pgshard.operator.testing.LocalShards;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema bootstrap on a real PostgreSQL 15 primary. */
class SchemaBootstrapIT {

  static LocalShards shards;
  static LocalShard shard;

  @BeforeAll
  static void start() throws Exception {
    shards = new LocalShards();
    shard = shards.withPrimaryAndStandbys(0);
    try (Connection superuser = shard.superuser(0, "app")) {
      SchemaBootstrap.prepare(superuser, "app");
    }
  }

  /** A session of the database owner, as the operator opens it for the schema. */
  static Connection owner() throws Exception {
    return shard.connect(shard.ip(0), "app", shard.secret("minimal-app").get("password"), "app");
  }

  @Test
  void aScriptCannotBecomeTheSuperuser() throws Exception {
    String escalate =
        """
        RESET ROLE;
        CREATE ROLE intruder LOGIN SUPERUSER PASSWORD 'x';
        """;
    try (Connection db = owner()) {
      SchemaBootstrap.Outcome outcome = SchemaBootstrap.apply(db, "configmap/s/evil", escalate);
      assertThat(outcome.state()).isEqualTo(SchemaBootstrap.State.FAILED);
      assertThat(outcome.message()).startsWith("statement 2").contains("must be superuser");
    }
    try (Connection superuser = shard.superuser(0, "app")) {
      assertThat(single(superuser, "SELECT count(*) FROM pg_roles WHERE rolname = 'intruder'"))
          .isEqualTo("0");
    }
  }

  @AfterAll
  static void stop() {
    shards.close();
  }

  @Test
  void appliesOnceAsTheDatabaseOwnerAndNeverAgain() throws Exception {
    String script =
        """
        -- the events table
        CREATE TABLE public.events (id bigint, created_at timestamptz NOT NULL)
          PARTITION BY RANGE (created_at);
        CREATE TABLE public.events_default PARTITION OF public.events DEFAULT;
        """;
    try (Connection db = owner()) {
      SchemaBootstrap.Outcome first = SchemaBootstrap.apply(db, "configmap/s/a", script);
      assertThat(first.state()).isEqualTo(SchemaBootstrap.State.APPLIED);
      assertThat(first.message()).contains("2 statements");
      assertThat(single(db, "SELECT tableowner FROM pg_tables WHERE tablename = 'events'"))
          .isEqualTo("app");

      assertThat(SchemaBootstrap.apply(db, "configmap/s/a", script).state())
          .isEqualTo(SchemaBootstrap.State.ALREADY_APPLIED);
      SchemaBootstrap.Outcome changed =
          SchemaBootstrap.apply(db, "configmap/s/a", script + "CREATE TABLE extra (a int);");
      assertThat(changed.state()).isEqualTo(SchemaBootstrap.State.ALREADY_APPLIED);
      assertThat(changed.message()).contains("has changed since");
      assertThat(single(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'extra'"))
          .isEqualTo("0");
    }
  }

  @Test
  void aFailingStatementIsNamedAndNothingOfTheScriptStays() throws Exception {
    String broken =
        """
        CREATE TABLE public.orders (id bigint);

        CREATE TABLE public.lines (order_id bigint REFERENCES public.nowhere (id));
        """;
    try (Connection db = owner()) {
      SchemaBootstrap.Outcome failed = SchemaBootstrap.apply(db, "configmap/s/b", broken);

      assertThat(failed.state()).isEqualTo(SchemaBootstrap.State.FAILED);
      assertThat(failed.message())
          .startsWith("statement 2 (line 3: CREATE TABLE public.lines")
          .contains("nowhere");
      assertThat(single(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"))
          .as("the first statement was rolled back with the second")
          .isEqualTo("0");
      assertThat(
              single(
                  db, "SELECT count(*) FROM pgshard.schema_applied WHERE source = 'configmap/s/b'"))
          .isEqualTo("0");

      // fixed, it applies: the failure left no record behind
      SchemaBootstrap.Outcome fixed =
          SchemaBootstrap.apply(db, "configmap/s/b", "CREATE TABLE public.orders (id bigint);");
      assertThat(fixed.state()).isEqualTo(SchemaBootstrap.State.APPLIED);
    }
  }
}
