package io.pgshard.operator.failover;

/** A switchover that did not happen; {@code reason} is CamelCase (a condition reason). */
public final class SwitchoverException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String reason;

  public SwitchoverException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public SwitchoverException(String reason, String message) {
    this(reason, message, null);
  }

  public String reason() {
    return reason;
  }
}
