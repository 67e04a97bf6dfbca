package io.pgshard.operator.model;

/** Something wrong with a spec that its schema cannot catch: the field path and what to do. */
public record SpecProblem(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
