package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** Small pieces of container specs shared by the PostgreSQL and PgBouncer pods. */
final class ContainerParts {

  private ContainerParts() {}

  /**
   * A mount; {@code readOnly: false} is left out, as the API server stores it. Server-side apply
   * compares what was applied with what is stored: a value the server omits reads as a difference
   * at every reconcile, and the operator would patch the object forever.
   */
  static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  /**
   * An emptyDir with a size limit: also what server-side apply needs, as an empty {@code emptyDir:
   * {}} is not kept in the field set the comparison looks at.
   */
  static Volume emptyDir(String name, String sizeLimit) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withSizeLimit(new Quantity(sizeLimit))
        .endEmptyDir()
        .build();
  }

  /** Resource requirements as stored: none at all rather than an empty object. */
  static ResourceRequirements resources(ResourceRequirements spec) {
    if (spec == null
        || (isEmpty(spec.getLimits())
            && isEmpty(spec.getRequests())
            && isEmpty(spec.getClaims()))) {
      return null;
    }
    return spec;
  }

  private static boolean isEmpty(java.util.Map<?, ?> map) {
    return map == null || map.isEmpty();
  }

  private static boolean isEmpty(java.util.List<?> list) {
    return list == null || list.isEmpty();
  }

  static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  static EnvVar fieldRef(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /**
   * A Secret key the container can start without (the variable is then unset): for credentials a
   * user supplies, whose absence must not keep PostgreSQL from starting.
   */
  static EnvVar optionalSecretRef(String name, String secret, String key) {
    EnvVar var = secretRef(name, secret, key);
    var.getValueFrom().getSecretKeyRef().setOptional(true);
    return var;
  }

  static EnvVar secretRef(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
