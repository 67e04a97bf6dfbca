package io.pgshard.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.config.ServerCapabilities;

/**
 * Hands the server's capabilities to the dependents and their conditions. JOSDK instantiates those
 * itself, so the reconciler puts the value into the workflow context before it runs the workflow.
 */
public final class Capabilities {

  private static final String KEY = ServerCapabilities.class.getName();

  private Capabilities() {}

  public static void put(Context<PostgresShard> context, ServerCapabilities capabilities) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, capabilities);
  }

  static ServerCapabilities of(Context<PostgresShard> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(KEY, ServerCapabilities.class);
  }
}
