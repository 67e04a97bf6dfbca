package io.pgshard.e2e.chaos;

import java.util.Arrays;
import java.util.List;

/** The faults the chaos runner injects, by the names {@code --faults} takes. */
enum Fault {
  /** kill -9 of every process of the primary's container (the kubelet restarts it). */
  KILL9("kill9"),
  /** SIGSTOP of every process of the primary's pod, SIGCONT later: a hung node. */
  FREEZE("freeze"),
  /** kill -9 of the primary, then of the leading operator replica during the failover. */
  OPERATOR_KILL("operator-kill"),
  /** kill -9 of the primary, then of the promotion candidate once it is recorded. */
  CANDIDATE_KILL("candidate-kill"),
  /** SIGSTOP of a standby's pod, SIGCONT later: no failover may follow. */
  STANDBY_FREEZE("standby-freeze"),
  /** Every packet to and from the primary's address dropped (iptables), healed later. */
  PARTITION("partition");

  final String id;

  Fault(String id) {
    this.id = id;
  }

  /** Whether the primary changes: the standby fault must leave it where it is. */
  boolean movesPrimary() {
    return this != STANDBY_FREEZE;
  }

  static Fault of(String id) {
    return Arrays.stream(values())
        .filter(f -> f.id.equals(id.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown fault "
                        + id
                        + "; known: "
                        + Arrays.stream(values()).map(f -> f.id).toList()));
  }

  static List<Fault> parse(String list) {
    if (list == null || list.isBlank()) {
      return List.of(values());
    }
    return Arrays.stream(list.split(",")).map(Fault::of).toList();
  }
}
