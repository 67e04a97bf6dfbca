package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet builds it: envFrom, then env in order; literal values
 * with {@code $(VAR)} references to earlier variables expanded; ConfigMap and Secret keys; the
 * downward API's pod name, namespace, uid, IP, node and service account, labels and annotations.
 * Also expands {@code $(VAR)} in command and args.
 */
final class PodEnv {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern FIELD =
      Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");

  /** A reference that cannot be resolved yet (CreateContainerConfigError in a cluster). */
  static final class Unresolved extends RuntimeException {
    Unresolved(String message) {
      super(message);
    }
  }

  private PodEnv() {}

  static Map<String, String> resolve(
      KubernetesClient client, Pod pod, String ip, Container container) {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, String> values =
          from.getConfigMapRef() != null
              ? configMap(
                  client,
                  ns,
                  from.getConfigMapRef().getName(),
                  from.getConfigMapRef().getOptional())
              : secret(
                  client, ns, from.getSecretRef().getName(), from.getSecretRef().getOptional());
      values.forEach((k, v) -> env.put(prefix + k, v));
    }
    for (EnvVar var : container.getEnv()) {
      String value = value(client, pod, ip, var, env);
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  /** Command and args with {@code $(VAR)} expanded from the container's environment. */
  static List<String> command(Container container, Map<String, String> env) {
    List<String> line = new ArrayList<>();
    container.getCommand().forEach(c -> line.add(expand(c, env)));
    container.getArgs().forEach(a -> line.add(expand(a, env)));
    return line;
  }

  private static String value(
      KubernetesClient client, Pod pod, String ip, EnvVar var, Map<String, String> earlier) {
    var from = var.getValueFrom();
    if (from == null) {
      return expand(var.getValue() == null ? "" : var.getValue(), earlier);
    }
    String ns = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      return field(pod, ip, from.getFieldRef().getFieldPath());
    }
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      return key(
          secret(client, ns, ref.getName(), ref.getOptional()),
          ref.getName(),
          ref.getKey(),
          ref.getOptional());
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      return key(
          configMap(client, ns, ref.getName(), ref.getOptional()),
          ref.getName(),
          ref.getKey(),
          ref.getOptional());
    }
    throw new IllegalArgumentException("env " + var.getName() + ": source not supported here");
  }

  private static String field(Pod pod, String ip, String path) {
    var meta = pod.getMetadata();
    switch (path) {
      case "metadata.name":
        return meta.getName();
      case "metadata.namespace":
        return meta.getNamespace();
      case "metadata.uid":
        return meta.getUid();
      case "status.podIP":
        return ip;
      case "status.hostIP":
        return "127.0.0.1";
      case "spec.nodeName":
        return "localhost";
      case "spec.serviceAccountName":
        return pod.getSpec().getServiceAccountName();
      default:
        Matcher m = FIELD.matcher(path);
        if (m.matches()) {
          Map<String, String> map =
              m.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
          return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        throw new IllegalArgumentException("fieldRef " + path + " not supported here");
    }
  }

  private static String key(Map<String, String> values, String name, String key, Boolean optional) {
    String value = values.get(key);
    if (value == null && !Boolean.TRUE.equals(optional)) {
      throw new Unresolved("key " + key + " not found in " + name);
    }
    return value;
  }

  private static Map<String, String> configMap(
      KubernetesClient client, String ns, String name, Boolean optional) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new Unresolved("configmap " + name + " not found");
    }
    return cm.getData() == null ? Map.of() : cm.getData();
  }

  private static Map<String, String> secret(
      KubernetesClient client, String ns, String name, Boolean optional) {
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new Unresolved("secret " + name + " not found");
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  /** {@code $(VAR)} becomes VAR's value when defined; {@code $$(VAR)} stays literal. */
  static String expand(String value, Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    Matcher m = REFERENCE.matcher(value);
    int last = 0;
    while (m.find()) {
      out.append(value, last, m.start());
      boolean escaped = m.start() > 0 && value.charAt(m.start() - 1) == '$';
      if (escaped) {
        out.setLength(out.length() - 1);
        out.append(m.group());
      } else {
        out.append(env.getOrDefault(m.group(1), m.group()));
      }
      last = m.end();
    }
    return out.append(value.substring(last)).toString();
  }
}
