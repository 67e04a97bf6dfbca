package io.pgshard.operator.reconciler;

import static io.pgshard.operator.testing.LocalOperatorShard.SHARD;
import static io.pgshard.operator.testing.LocalOperatorShard.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.LocalOperatorShard;
import io.pgshard.operator.testing.Writer;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A planned switchover asked for with the annotation, carried out by the real operator on real
 * PostgreSQL 15 and PgBouncer processes while a client writes through the pooler: no acknowledged
 * write lost, no error seen by the client.
 *
 * <p>Isolated from the other integration classes: that no instance needs a rewind depends on the
 * old primary stopping and the target replaying its last WAL within the promotion's bounds (10 s, 5
 * s), which a second class's load pushed past once (one InstanceRewound; nothing lost).
 */
@Isolated
class OperatorSwitchoverIT {

  LocalOperatorShard s;

  @AfterEach
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void switchesOverUnderLoadWithoutALostWriteOrAClientError() throws Exception {
    s = LocalOperatorShard.start(3, c -> {});
    String pooler = s.kubelet().startPooler();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(s.role(0)).isEqualTo("primary");
              assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(3);
            });

    // a request that cannot be honoured is refused, and the annotation goes
    requestSwitchoverTo(SHARD + "-7");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition c = switchoverCondition();
              assertThat(c).isNotNull();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("UnknownTarget");
              assertThat(annotation()).isNull();
            });
    assertThat(s.eventReasons()).contains("SwitchoverRefused");

    try (Writer writer =
        Writer.start(
            pooler, s.local().secret(LocalOperatorShard.CLUSTER + "-app").get("password"))) {
      writer.awaitAcknowledged(200, TIMEOUT);
      // every instance has streamed what the writer has so far
      requestSwitchoverTo(SHARD + "-2");
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                Condition c = switchoverCondition();
                assertThat(c.getReason()).isEqualTo("Completed");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(s.role(2)).isEqualTo("primary");
                assertThat(annotation()).isNull();
                PostgresShard shard = s.shard();
                assertThat(shard.getStatus().getLastFailover().getReason())
                    .startsWith("Switchover");
                assertThat(shard.getStatus().getLastFailover().getFrom()).isEqualTo(SHARD + "-0");
              });
      long atSwitchover = writer.acknowledged().size();
      writer.awaitAcknowledged(atSwitchover + 200, TIMEOUT);

      // the old primary rejoins as a standby of the new one (refuses connections until it is up)
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(s.role(0)).isEqualTo("replica");
                assertThat(s.shard().getStatus().getReadyInstances()).isEqualTo(3);
                // status may still count the fenced pod from before it was deleted: ask it
                try (Connection db = s.local().superuser(0, "postgres");
                    var st = db.createStatement();
                    var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                  rs.next();
                  assertThat(rs.getBoolean(1)).isTrue();
                }
                // both standbys follow the new timeline: it starts after the WAL the old primary
                // wrote while stopping (its shutdown checkpoint, a segment switch for archiving),
                // which the standby that was not promoted had received as well
                try (Connection db = s.local().superuser(2, "postgres");
                    var st = db.createStatement();
                    var rs =
                        st.executeQuery(
                            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
                  rs.next();
                  assertThat(rs.getInt(1)).isEqualTo(2);
                }
              });
      writer.close();

      assertThat(writer.errors()).as("errors seen by the client through the pooler").isEmpty();
      try (Connection db = s.local().superuser(2, "app")) {
        assertThat(Writer.missing(db, writer.acknowledged())).isEmpty();
      }
      // the write fence did not outlive the old primary's run: promoted later, it would take writes
      try (Connection db = s.local().superuser(0, "postgres");
          var st = db.createStatement();
          var rs =
              st.executeQuery(
                  "SELECT current_setting('default_transaction_read_only'),"
                      + " current_setting('synchronous_standby_names')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("off");
        assertThat(rs.getString(2)).isEmpty();
      }
    }
    assertThat(s.eventReasons()).contains("SwitchoverCompleted");
    assertThat(s.eventReasons())
        .as("a clean handover leaves no instance with WAL the new primary lacks")
        .doesNotContain("InstanceRewound", "InstanceRecloned");
  }

  void requestSwitchoverTo(String pod) {
    s.editShard(
        shard -> {
          shard.getMetadata().getAnnotations().put(Labels.SWITCHOVER_TO, pod);
          return shard;
        });
  }

  String annotation() {
    var annotations = s.shard().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(Labels.SWITCHOVER_TO);
  }

  Condition switchoverCondition() {
    return Conditions.find(s.shard().getStatus().getConditions(), Conditions.SWITCHOVER_COMPLETED)
        .orElse(null);
  }
}
