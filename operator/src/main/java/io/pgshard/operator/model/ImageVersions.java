package io.pgshard.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL major version an image names, and the check that keeps a major-version change from
 * rolling out: a new major cannot start on the old one's data directory (that needs pg_upgrade or a
 * dump and restore, which the operator does not do yet), so such an image stays out of the
 * StatefulSet and the instances keep running the image they have.
 */
public final class ImageVersions {

  /** A tag's leading number: {@code 16}, {@code 15.4}, {@code 15-bookworm}, {@code 16.2-alpine}. */
  private static final Pattern MAJOR = Pattern.compile("^(\\d+)(?:[.\\-_].*)?$");

  private ImageVersions() {}

  /** The major version in the image's tag, if the tag starts with one. */
  public static OptionalInt major(String image) {
    if (image == null) {
      return OptionalInt.empty();
    }
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = name.lastIndexOf(':');
    if (colon < 0 || colon < name.lastIndexOf('/')) {
      return OptionalInt.empty();
    }
    Matcher m = MAJOR.matcher(name.substring(colon + 1));
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** The image of the StatefulSet's PostgreSQL container. */
  public static Optional<String> running(StatefulSet sts) {
    if (sts.getSpec() == null || sts.getSpec().getTemplate().getSpec() == null) {
      return Optional.empty();
    }
    return sts.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> ShardStatefulSetModel.POSTGRES_CONTAINER.equals(c.getName()))
        .map(Container::getImage)
        .findFirst();
  }

  /**
   * The problem with moving from {@code running} to {@code wanted}, if both name a major version
   * and they differ. Images whose tags name no version are let through: PostgreSQL itself refuses
   * to start on a data directory of another major, and the rollout stops at the first standby.
   */
  public static Optional<SpecProblem> majorChange(String running, String wanted) {
    OptionalInt from = major(running);
    OptionalInt to = major(wanted);
    if (from.isEmpty() || to.isEmpty() || from.getAsInt() == to.getAsInt()) {
      return Optional.empty();
    }
    return Optional.of(
        new SpecProblem(
            "spec.postgres.image",
            wanted
                + " is PostgreSQL "
                + to.getAsInt()
                + " and the instances run "
                + from.getAsInt()
                + " ("
                + running
                + "): major-version upgrades are not supported yet; the instances keep "
                + running
                + " until the image names major "
                + from.getAsInt()
                + " again"));
  }
}
