package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ShardStatefulSetModel;
import java.util.Optional;

/**
 * An image the StatefulSet keeps although the spec names another (a major-version change, which
 * cannot roll out): the reconciler puts it into the workflow context, the StatefulSet's desired
 * state uses it for the PostgreSQL container, and every other change still applies.
 */
public final class HeldImage {

  private static final String KEY = HeldImage.class.getName();

  private HeldImage() {}

  /** Before the workflow runs: the image to keep, if any (the context is new each reconcile). */
  public static void put(Context<PostgresShard> context, Optional<String> image) {
    image.ifPresent(i -> context.managedWorkflowAndDependentResourceContext().put(KEY, i));
  }

  static void apply(Context<PostgresShard> context, StatefulSet desired) {
    Optional<String> image =
        context.managedWorkflowAndDependentResourceContext().get(KEY, String.class);
    image.ifPresent(
        held ->
            desired.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> ShardStatefulSetModel.POSTGRES_CONTAINER.equals(c.getName()))
                .forEach(c -> c.setImage(held)));
  }
}
