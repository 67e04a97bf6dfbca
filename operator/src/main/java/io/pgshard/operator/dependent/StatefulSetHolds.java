package io.pgshard.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.model.ShardStatefulSetModel;
import java.util.Optional;

/**
 * Fields the StatefulSet keeps although the spec names other values: an image of another major
 * version (which cannot roll out), and the claim size while a growth is under way or a shrink was
 * refused (claim templates are immutable). The reconciler puts them into the workflow context
 * before the workflow runs (the context is new each reconcile); the StatefulSet's desired state
 * uses them, and every other change still applies.
 */
public final class StatefulSetHolds {

  private static final String IMAGE = StatefulSetHolds.class.getName() + ".image";
  private static final String CLAIM_SIZE = StatefulSetHolds.class.getName() + ".claimSize";

  private StatefulSetHolds() {}

  public static void image(Context<PostgresShard> context, Optional<String> image) {
    image.ifPresent(i -> context.managedWorkflowAndDependentResourceContext().put(IMAGE, i));
  }

  public static void claimSize(Context<PostgresShard> context, Optional<String> size) {
    size.ifPresent(s -> context.managedWorkflowAndDependentResourceContext().put(CLAIM_SIZE, s));
  }

  static void apply(Context<PostgresShard> context, StatefulSet desired) {
    var held = context.managedWorkflowAndDependentResourceContext();
    held.get(IMAGE, String.class)
        .ifPresent(
            image ->
                desired.getSpec().getTemplate().getSpec().getContainers().stream()
                    .filter(c -> ShardStatefulSetModel.POSTGRES_CONTAINER.equals(c.getName()))
                    .forEach(c -> c.setImage(image)));
    held.get(CLAIM_SIZE, String.class)
        .ifPresent(
            size ->
                desired.getSpec().getVolumeClaimTemplates().stream()
                    .filter(c -> ResourceNames.DATA_VOLUME.equals(c.getMetadata().getName()))
                    .forEach(
                        c ->
                            c.getSpec()
                                .getResources()
                                .getRequests()
                                .put("storage", new Quantity(size))));
  }
}
