package io.pgshard.e2e.deploy;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What one ServiceAccount may do, evaluated from rendered RBAC objects the way the API server's
 * RBAC authorizer does: a ClusterRole bound by a ClusterRoleBinding applies everywhere; a Role (or
 * ClusterRole) bound by a RoleBinding applies in the binding's namespace only.
 */
public final class RbacPolicy {

  /** One verb on one resource, granted by a role in a namespace (null: everywhere). */
  public record Permission(
      String role, String namespace, String apiGroup, String resource, String verb) {

    boolean allows(ApiCall call) {
      return call.isOnAResource()
          && allows(call.verb(), call.apiGroup(), call.resourceInRules(), call.namespace());
    }

    /** {@code resource} as rules name it: {@code pods}, {@code shardedclusters/status}. */
    public boolean allows(
        String askedVerb, String group, String askedResource, String inNamespace) {
      return (namespace == null || namespace.equals(inNamespace))
          && matches(apiGroup, group)
          && matches(resource, askedResource)
          && matches(verb, askedVerb);
    }

    /** {@code verb group/resource}, the group left out for the core group. */
    public String key() {
      return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource;
    }

    private static boolean matches(String granted, String asked) {
      return granted.equals("*") || granted.equals(asked);
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (apiGroup.isEmpty() ? "" : apiGroup + "/")
          + resource
          + " (role "
          + role
          + (namespace == null ? ", everywhere" : ", in " + namespace)
          + ")";
    }
  }

  private final List<Permission> permissions;

  private RbacPolicy(List<Permission> permissions) {
    this.permissions = List.copyOf(permissions);
  }

  public static RbacPolicy of(RenderedChart chart, String accountNamespace, String accountName) {
    List<Permission> permissions = new ArrayList<>();
    for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
      if (binds(binding.getSubjects(), accountNamespace, accountName)) {
        rulesOf(chart, binding.getRoleRef(), null)
            .ifPresent(rules -> expand(binding.getRoleRef().getName(), null, rules, permissions));
      }
    }
    for (RoleBinding binding : chart.all(RoleBinding.class)) {
      if (binds(binding.getSubjects(), accountNamespace, accountName)) {
        String namespace = binding.getMetadata().getNamespace();
        rulesOf(chart, binding.getRoleRef(), namespace)
            .ifPresent(
                rules -> expand(binding.getRoleRef().getName(), namespace, rules, permissions));
      }
    }
    return new RbacPolicy(permissions);
  }

  public List<Permission> permissions() {
    return permissions;
  }

  boolean allows(ApiCall call) {
    return permissions.stream().anyMatch(p -> p.allows(call));
  }

  /** Resource names in rules are not supported here: the chart does not use them. */
  private static void expand(
      String role, String namespace, List<PolicyRule> rules, List<Permission> into) {
    for (PolicyRule rule : rules) {
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        throw new IllegalStateException("resourceNames are not evaluated here: " + rule);
      }
      for (String group : orEmpty(rule.getApiGroups())) {
        for (String resource : orEmpty(rule.getResources())) {
          for (String verb : orEmpty(rule.getVerbs())) {
            into.add(new Permission(role, namespace, group, resource, verb));
          }
        }
      }
    }
  }

  private static Optional<List<PolicyRule>> rulesOf(
      RenderedChart chart, RoleRef ref, String bindingNamespace) {
    if ("ClusterRole".equals(ref.getKind())) {
      return chart.all(ClusterRole.class).stream()
          .filter(r -> r.getMetadata().getName().equals(ref.getName()))
          .findFirst()
          .map(ClusterRole::getRules);
    }
    return chart.all(Role.class).stream()
        .filter(r -> r.getMetadata().getName().equals(ref.getName()))
        .filter(r -> r.getMetadata().getNamespace().equals(bindingNamespace))
        .findFirst()
        .map(Role::getRules);
  }

  private static boolean binds(List<Subject> subjects, String namespace, String name) {
    return orEmpty(subjects).stream()
        .anyMatch(
            s ->
                "ServiceAccount".equals(s.getKind())
                    && name.equals(s.getName())
                    && namespace.equals(s.getNamespace()));
  }

  private static <T> Collection<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
