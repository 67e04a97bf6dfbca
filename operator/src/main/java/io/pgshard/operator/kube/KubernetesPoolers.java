package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.failover.PoolerControl;
import io.pgshard.operator.failover.SwitchoverException;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.PgBouncerConfig;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.pooler.AdminConsole;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PoolerControl} for the shard's PgBouncer pods, found by their labels when the switchover
 * starts, reached by pod address on the admin console. A shard without a pooler has nothing to
 * pause: its clients see the switchover as a short outage.
 */
public final class KubernetesPoolers implements PoolerControl {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesPoolers.class);
  private static final int RESUME_ATTEMPTS = 3;

  private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(5);
  private static final long ROUTE_POLL_MILLIS = 50;

  private final KubernetesClient client;
  private final PostgresShard shard;
  private final List<String> addresses;
  private final String user;
  private final String password;
  private final Duration pauseTimeout;

  private KubernetesPoolers(
      KubernetesClient client,
      PostgresShard shard,
      List<String> addresses,
      String user,
      String password,
      Duration pauseTimeout) {
    this.client = client;
    this.shard = shard;
    this.addresses = addresses;
    this.user = user;
    this.password = password;
    this.pauseTimeout = pauseTimeout;
  }

  public static KubernetesPoolers of(
      KubernetesClient client,
      PostgresShard shard,
      String user,
      String password,
      Duration pauseTimeout) {
    List<String> addresses = new ArrayList<>();
    if (shard.getSpec().getPooler().isEnabled()) {
      for (Pod pod :
          client
              .pods()
              .inNamespace(shard.getMetadata().getNamespace())
              .withLabels(
                  Labels.poolerSelector(
                      shard.getSpec().getClusterName(), shard.getMetadata().getName()))
              .list()
              .getItems()) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (pod.getMetadata().getDeletionTimestamp() == null && ip != null) {
          addresses.add(ip);
        }
      }
    }
    return new KubernetesPoolers(
        client, shard, List.copyOf(addresses), user, password, pauseTimeout);
  }

  public List<String> addresses() {
    return addresses;
  }

  @Override
  public void pause() throws SwitchoverException {
    for (String address : addresses) {
      try (AdminConsole console = connect(address)) {
        console.command("PAUSE");
      } catch (AdminConsole.ConsoleException e) {
        // paused by an attempt an operator restart cut short: paused is what we want
        if (!e.getMessage().contains("already suspended/paused")) {
          throw pauseFailed(address, e);
        }
      } catch (IOException e) {
        throw pauseFailed(address, e);
      }
    }
  }

  private SwitchoverException pauseFailed(String address, IOException e) {
    return new SwitchoverException(
        "PoolerPauseFailed",
        "PgBouncer at "
            + address
            + " did not pause within "
            + pauseTimeout.toSeconds()
            + " s (a long transaction?): "
            + e.getMessage(),
        e);
  }

  /**
   * Reads the rw Service's EndpointSlices (what kube-proxy routes by) until their ready addresses
   * are the new primary's alone. No slice at all means no endpoint controller writes any (an API
   * server without controllers): nothing to wait for.
   */
  @Override
  public void awaitRoute(String primary) {
    String namespace = shard.getMetadata().getNamespace();
    String service = ResourceNames.primaryService(shard.getMetadata().getName());
    long deadline = System.nanoTime() + ROUTE_TIMEOUT.toNanos();
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(primary).get();
      String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      Set<String> routed = Set.of();
      while (ip != null && System.nanoTime() < deadline) {
        Optional<Set<String>> ready = routes(namespace, service);
        if (ready.isEmpty()) {
          return;
        }
        routed = ready.get();
        if (routed.equals(Set.of(ip))) {
          return;
        }
        Thread.sleep(ROUTE_POLL_MILLIS);
      }
      LOG.warn(
          "{} did not route to {} ({}) alone within {} s (routes to {}): resuming the poolers",
          service,
          primary,
          ip,
          ROUTE_TIMEOUT.toSeconds(),
          routed);
    } catch (KubernetesClientException e) {
      LOG.warn("could not read the routes of {}: {}", service, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * The ready addresses of the Service's EndpointSlices; empty when it has none.
   * discovery.k8s.io/v1 is served from Kubernetes 1.21; before, v1beta1 is (the same fields that
   * matter here).
   */
  private Optional<Set<String>> routes(String namespace, String service) {
    try {
      List<EndpointSlice> slices =
          client
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(namespace)
              .withLabel(SERVICE_NAME_LABEL, service)
              .list()
              .getItems();
      return slices.isEmpty() ? Optional.empty() : Optional.of(readyAddresses(slices));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    List<io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice> slices =
        client
            .discovery()
            .v1beta1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel(SERVICE_NAME_LABEL, service)
            .list()
            .getItems();
    if (slices.isEmpty()) {
      return Optional.empty();
    }
    Set<String> ready = new HashSet<>();
    for (var slice : slices) {
      for (io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint endpoint :
          Objects.requireNonNullElse(
              slice.getEndpoints(),
              List.<io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint>of())) {
        if (endpoint.getConditions() == null
            || !Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
          ready.addAll(endpoint.getAddresses());
        }
      }
    }
    return Optional.of(ready);
  }

  private static Set<String> readyAddresses(List<EndpointSlice> slices) {
    Set<String> ready = new HashSet<>();
    for (EndpointSlice slice : slices) {
      for (Endpoint endpoint :
          Objects.requireNonNullElse(slice.getEndpoints(), List.<Endpoint>of())) {
        if (endpoint.getConditions() == null
            || !Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
          ready.addAll(endpoint.getAddresses());
        }
      }
    }
    return ready;
  }

  /** A few attempts per pooler: one left paused would hold its clients until someone notices. */
  @Override
  public void resume() {
    for (String address : addresses) {
      for (int attempt = 1; attempt <= RESUME_ATTEMPTS; attempt++) {
        try (AdminConsole console = connect(address)) {
          console.command("RESUME");
          break;
        } catch (AdminConsole.ConsoleException e) {
          // "pooler is not paused": a pause that failed before reaching this one
          LOG.debug("RESUME on {}: {}", address, e.getMessage());
          break;
        } catch (IOException e) {
          LOG.warn(
              "could not resume PgBouncer at {} (attempt {}): {}",
              address,
              attempt,
              e.getMessage());
          sleep(200L * attempt);
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private AdminConsole connect(String address) throws IOException {
    return AdminConsole.connect(address, PgBouncerConfig.PORT, user, password, pauseTimeout);
  }
}
