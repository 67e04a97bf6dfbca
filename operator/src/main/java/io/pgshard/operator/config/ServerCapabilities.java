package io.pgshard.operator.config;

/**
 * What the Kubernetes API server the operator talks to serves, discovered once at start ({@code
 * kube.ServerDiscovery}) and consulted by the builders that depend on it. This is the one place
 * where Kubernetes version differences live; no dependent falls back by catching errors.
 *
 * @param major the server's major version
 * @param minor the server's minor version
 * @param policyV1 whether {@code policy/v1} (PodDisruptionBudget) is served; Kubernetes 1.21 added
 *     it, 1.25 removed {@code v1beta1}
 */
public record ServerCapabilities(int major, int minor, boolean policyV1) {

  /** A current server, for tests and builders that do not care. */
  public static final ServerCapabilities CURRENT = new ServerCapabilities(1, 31, true);

  /**
   * Whether a StatefulSet's {@code persistentVolumeClaimRetentionPolicy} is honoured. The field
   * arrived in 1.23 behind a feature gate that is on by default since 1.27; before 1.23 server-side
   * apply refuses it ("field not declared in schema"), and while the gate is off the server drops
   * it, so a desired state carrying it would never match the actual one. Without it, the
   * ShardedCluster's cleanup deletes the claims itself when the user opted in.
   */
  public boolean statefulSetClaimRetention() {
    return atLeast(1, 27);
  }

  /** Which PodDisruptionBudget version to write: {@code policy/v1} where served, else v1beta1. */
  public String disruptionBudgetVersion() {
    return policyV1 ? "policy/v1" : "policy/v1beta1";
  }

  public boolean atLeast(int wantMajor, int wantMinor) {
    return major > wantMajor || (major == wantMajor && minor >= wantMinor);
  }

  @Override
  public String toString() {
    return "Kubernetes " + major + "." + minor + " (" + disruptionBudgetVersion() + ")";
  }
}
