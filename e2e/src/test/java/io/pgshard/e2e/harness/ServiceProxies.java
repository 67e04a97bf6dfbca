package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice;
import io.pgshard.operator.testing.LocalServiceProxy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * kube-proxy for the harness: each ClusterIP Service with a selector listens on its own loopback
 * address ({@link ServiceDns}) on each of its ports and forwards TCP to the ready pods its selector
 * matches, looked at again on every pass, so relabelling a pod on failover moves the traffic.
 * Headless Services get no address (as in a cluster, they have no ClusterIP).
 */
final class ServiceProxies implements AutoCloseable {

  private final ServiceDns dns;
  private final Map<String, LocalServiceProxy> proxies = new HashMap<>();

  ServiceProxies(ServiceDns dns) {
    this.dns = dns;
  }

  /**
   * One pass on a real control plane: endpoints from the EndpointSlices the controller-manager
   * writes (what kube-proxy reads since 1.19), ready addresses only.
   */
  synchronized void syncFromSlices(List<Service> services, List<EndpointSlice> slices) {
    Map<String, List<String>> ready = new HashMap<>();
    Map<String, Integer> ports = new HashMap<>();
    for (EndpointSlice slice : slices) {
      String service =
          slice.getMetadata().getLabels() == null
              ? null
              : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
      if (service == null) {
        continue;
      }
      String key = slice.getMetadata().getNamespace() + "/" + service;
      for (var endpoint : Objects.requireNonNullElse(slice.getEndpoints(), List.<Endpoint>of())) {
        if (endpoint.getConditions() == null
            || !Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
          ready
              .computeIfAbsent(key, k -> new java.util.ArrayList<>())
              .addAll(endpoint.getAddresses());
        }
      }
      for (var port : Objects.requireNonNullElse(slice.getPorts(), List.<EndpointPort>of())) {
        ports.put(key + ":" + Objects.requireNonNullElse(port.getName(), ""), port.getPort());
      }
    }
    Set<String> wanted = new HashSet<>();
    for (Service service : services) {
      if (!proxied(service)) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      String svc = ns + "/" + service.getMetadata().getName();
      for (ServicePort port : service.getSpec().getPorts()) {
        String key = svc + ":" + port.getPort();
        wanted.add(key);
        forward(
            key,
            dns.address(ns, service.getMetadata().getName()),
            port.getPort(),
            ports.get(svc + ":" + Objects.requireNonNullElse(port.getName(), "")),
            ready.getOrDefault(svc, List.of()));
      }
    }
    dropAllBut(wanted);
  }

  /** A ClusterIP Service with a selector: headless ones get no address, as in a cluster. */
  private static boolean proxied(Service service) {
    return !"None".equals(service.getSpec().getClusterIP())
        && service.getSpec().getSelector() != null
        && !service.getSpec().getSelector().isEmpty();
  }

  /** Forwards {@code address:port} to {@code target} on {@code endpoints} (none: not yet). */
  private void forward(
      String key, String address, int port, Integer target, List<String> endpoints) {
    if (target == null) {
      return;
    }
    LocalServiceProxy proxy =
        proxies.computeIfAbsent(key, k -> new LocalServiceProxy(address, port, target));
    proxy.retarget(endpoints.stream().sorted().toList());
  }

  private void dropAllBut(Set<String> wanted) {
    for (String key : Set.copyOf(proxies.keySet())) {
      if (!wanted.contains(key)) {
        proxies.remove(key).close();
      }
    }
  }

  /** One pass: proxies for new Services and ports, endpoints from {@code pods}, stale ones gone. */
  synchronized void sync(List<Service> services, List<Pod> pods) {
    Set<String> wanted = new HashSet<>();
    for (Service service : services) {
      if (!proxied(service)) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      String ip = dns.address(ns, service.getMetadata().getName());
      List<Pod> endpoints = endpoints(service, pods);
      for (ServicePort port : service.getSpec().getPorts()) {
        String key = ns + "/" + service.getMetadata().getName() + ":" + port.getPort();
        wanted.add(key);
        forward(
            key,
            ip,
            port.getPort(),
            targetPort(port, endpoints),
            endpoints.stream().map(p -> p.getStatus().getPodIP()).toList());
      }
    }
    dropAllBut(wanted);
  }

  private static List<Pod> endpoints(Service service, List<Pod> pods) {
    boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
    Map<String, String> selector = service.getSpec().getSelector();
    return pods.stream()
        .filter(p -> p.getMetadata().getNamespace().equals(service.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> matches(selector, p.getMetadata().getLabels()))
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .filter(p -> notReadyToo || WorkloadController.ready(p))
        .toList();
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return labels != null
        && selector.entrySet().stream()
            .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  /** The numeric target port; a named one is looked up in the pods' container ports. */
  private static Integer targetPort(ServicePort port, List<Pod> endpoints) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    for (Pod pod : endpoints) {
      for (var container : pod.getSpec().getContainers()) {
        for (var p : container.getPorts()) {
          if (target.getStrVal().equals(p.getName())) {
            return p.getContainerPort();
          }
        }
      }
    }
    return null;
  }

  @Override
  public synchronized void close() {
    proxies.values().forEach(LocalServiceProxy::close);
    proxies.clear();
  }
}
