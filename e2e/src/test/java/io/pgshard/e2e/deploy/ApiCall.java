package io.pgshard.e2e.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to the API server as RBAC sees it: the attributes the API server's authorizer derives
 * from method and path (apiGroup, resource, subresource, verb, namespace, name).
 *
 * @param request the request as recorded, for messages
 * @param namespace null for cluster-scoped requests and requests across all namespaces
 * @param name null for requests on a collection
 * @param resource null for requests that are not on a resource (discovery, /version)
 */
record ApiCall(
    String request,
    String verb,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name) {

  /** Parses {@code /api/v1/...} and {@code /apis/<group>/<version>/...} paths. */
  static ApiCall of(String method, String pathAndQuery) {
    String request = method + " " + pathAndQuery;
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = q < 0 ? Map.of() : query(pathAndQuery.substring(q + 1));
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();

    String group;
    List<String> rest;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      rest = parts.subList(2, parts.size());
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      rest = parts.subList(3, parts.size());
    } else {
      return new ApiCall(request, method.toLowerCase(), null, null, null, null, null);
    }
    String namespace = null;
    // /namespaces/<ns>/<resource>... is namespaced; /namespaces/<ns> alone is the Namespace itself
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty()) {
      return new ApiCall(request, method.toLowerCase(), null, null, null, null, null);
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? rest.get(2) : null;
    return new ApiCall(
        request,
        verb(method, name != null, "true".equals(query.get("watch"))),
        group,
        resource,
        subresource,
        namespace,
        name);
  }

  /** The RBAC verb, as the API server's request-info resolver assigns it. */
  private static String verb(String method, boolean named, boolean watch) {
    return switch (method) {
      case "GET" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase();
    };
  }

  /** "shardedclusters" or "shardedclusters/status", as RBAC rules name it. */
  String resourceInRules() {
    return subresource == null ? resource : resource + "/" + subresource;
  }

  boolean isOnAResource() {
    return resource != null;
  }

  /** "create configmaps (pgshard-test)": what a rule must grant. */
  String permission() {
    return verb
        + " "
        + (apiGroup == null || apiGroup.isEmpty() ? "" : apiGroup + "/")
        + resourceInRules()
        + (namespace == null ? " (all namespaces)" : " (" + namespace + ")");
  }

  private static Map<String, String> query(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }
}
