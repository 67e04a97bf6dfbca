package io.pgshard.e2e.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** The objects {@code helm template} rendered, as the fabric8 client parsed them. */
public record RenderedChart(List<HasMetadata> objects) {

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The only object of a type; fails when there is none or more than one. */
  public <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + ", rendered " + found.size() + ": " + kinds());
    }
    return found.get(0);
  }

  Optional<HasMetadata> find(String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
        .findFirst();
  }

  List<String> kinds() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
