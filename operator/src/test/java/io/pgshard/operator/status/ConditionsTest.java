package io.pgshard.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final Instant T1 = Instant.parse("2026-11-21T10:05:00.123Z");

  @Test
  void keepsLastTransitionTimeWhenTheStatusDidNotChange() {
    List<Condition> first =
        new Conditions(null, 1, T0).set("Ready", false, "Creating", "a").build();
    List<Condition> second =
        new Conditions(first, 2, T1).set("Ready", false, "InstancesNotReady", "b").build();
    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-11-21T10:00:00Z");
    assertThat(second.get(0).getReason()).isEqualTo("InstancesNotReady");
    assertThat(second.get(0).getMessage()).isEqualTo("b");
  }

  @Test
  void movesLastTransitionTimeWhenTheStatusFlips() {
    List<Condition> first =
        new Conditions(null, 1, T0).set("Ready", false, "Creating", "a").build();
    List<Condition> second =
        new Conditions(first, 1, T1).set("Ready", true, "AllReady", "b").build();
    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-11-21T10:05:00Z");
    assertThat(second.get(0).getStatus()).isEqualTo("True");
  }

  @Test
  void everyConditionCarriesTheGenerationItDescribes() {
    List<Condition> conditions =
        new Conditions(null, 7, T0)
            .set("Ready", true, "AllReady", "x")
            .set("Degraded", false, "AsExpected", "y")
            .build();
    assertThat(conditions).extracting(Condition::getObservedGeneration).containsExactly(7L, 7L);
  }

  @Test
  void conditionsNotSetAgainAreDropped() {
    List<Condition> first =
        new Conditions(null, 1, T0).set("PoolerReady", true, "AllReady", "x").build();
    assertThat(new Conditions(first, 1, T1).set("Ready", true, "AllReady", "x").build())
        .extracting(Condition::getType)
        .containsExactly("Ready");
  }
}
