package io.pgshard.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a condition list in the Kubernetes shape. A condition whose status did not change keeps
 * its {@code lastTransitionTime}; every condition carries the generation it describes.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String POOLER_READY = "PoolerReady";
  public static final String PARTITIONS_READY = "PartitionsReady";
  public static final String FAILING_OVER = "FailingOver";
  public static final String FAILOVER_REFUSED = "FailoverRefused";
  public static final String PRIMARY_UNREACHABLE_FROM_OPERATOR = "PrimaryUnreachableFromOperator";
  public static final String SWITCHOVER_COMPLETED = "SwitchoverCompleted";
  public static final String SCHEMA_APPLIED = "SchemaApplied";
  public static final String LAST_BACKUP_SUCCEEDED = "LastBackupSucceeded";
  public static final String WAL_ARCHIVING = "WalArchiving";
  public static final String LAST_RESTORE_POINT_SUCCEEDED = "LastRestorePointSucceeded";
  public static final String RESTORED = "Restored";
  public static final String UP_TO_DATE = "UpToDate";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private final List<Condition> previous;
  private final List<Condition> next = new ArrayList<>();
  private final long generation;
  private final Instant now;

  public Conditions(List<Condition> previous, long generation, Instant now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS);
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? TRUE : FALSE, reason, message);
  }

  public Conditions set(String type, String status, String reason, String message) {
    String transition =
        find(previous, type)
            .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(DateTimeFormatter.ISO_INSTANT.format(now));
    next.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transition)
            .build());
    return this;
  }

  /** Keeps a condition exactly as it was (if it was set), updating only its generation. */
  public Conditions carry(String type) {
    find(previous, type).ifPresent(c -> set(type, c.getStatus(), c.getReason(), c.getMessage()));
    return this;
  }

  /**
   * {@code conditions} with one condition set (its transition time kept if its status did not
   * change) and every other one as it was.
   */
  public static List<Condition> with(
      List<Condition> conditions,
      long generation,
      Instant now,
      String type,
      boolean status,
      String reason,
      String message) {
    Conditions next = new Conditions(conditions, generation, now);
    if (conditions != null) {
      conditions.stream().map(Condition::getType).filter(t -> !t.equals(type)).forEach(next::carry);
    }
    return next.set(type, status, reason, message).build();
  }

  /** {@code conditions} without the condition {@code type}. */
  public static List<Condition> without(List<Condition> conditions, String type) {
    return conditions == null
        ? List.of()
        : conditions.stream().filter(c -> !type.equals(c.getType())).toList();
  }

  /** The generation a condition about {@code resource} observes (0 before the API set one). */
  public static long generation(HasMetadata resource) {
    Long generation = resource.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  public List<Condition> build() {
    return List.copyOf(next);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** The reason of a condition, or null. */
  public static String reason(List<Condition> conditions, String type) {
    return find(conditions, type).map(Condition::getReason).orElse(null);
  }
}
