package io.pgshard.operator.status;

/** The phase of a ShardedCluster or a PostgresShard, as docs/architecture.md names them. */
public enum Phase {
  CREATING("Creating"),
  READY("Ready"),
  DEGRADED("Degraded"),
  FAILING_OVER("FailingOver"),
  DELETING("Deleting");

  private final String value;

  Phase(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
