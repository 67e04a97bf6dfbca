package io.pgshard.e2e.chaos;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What one chaos trial looked like, sampled every 250 ms from its fault until it ends: each pod's
 * role label (Terminating, Ready), the rw Service's ready endpoints, {@code targetPrimary}, the
 * FailingOver and Ready conditions, the client's acknowledgements and its last error. Printed for a
 * trial that did not end, and for every trial with {@code -Dbench.trace=true}.
 */
final class TrialTrace implements AutoCloseable {

  private static final long EVERY_MILLIS = 250;

  private final KubernetesClient client;
  private final String namespace;
  private final String cluster;
  private final String shard;
  private final ChaosClient app;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile long from;

  TrialTrace(
      KubernetesClient client, String namespace, String cluster, String shard, ChaosClient app) {
    this.client = client;
    this.namespace = namespace;
    this.cluster = cluster;
    this.shard = shard;
    this.app = app;
  }

  /** Starts sampling a new trial whose fault came at {@code faultAt} (System.nanoTime). */
  void start(long faultAt) {
    lines.clear();
    from = faultAt;
    sampler.execute(
        new Runnable() {
          @Override
          public void run() {
            if (from != faultAt) {
              return;
            }
            lines.add(sample(faultAt));
            sampler.schedule(this, EVERY_MILLIS, TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Stops sampling; what was sampled stays until the next {@link #start}. */
  void stop() {
    from = 0;
  }

  @Override
  public String toString() {
    return "trial trace (from the fault):\n" + String.join("\n", lines) + "\n";
  }

  private String sample(long faultAt) {
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "+%6.2fs", (System.nanoTime() - faultAt) / 1e9));
    try {
      for (Pod p : pods()) {
        line.append(' ')
            .append(p.getMetadata().getName().replace(shard + "-", "#"))
            .append('=')
            .append(p.getMetadata().getLabels().get(Labels.ROLE))
            .append(p.getMetadata().getDeletionTimestamp() == null ? "" : "/terminating")
            .append(ready(p) ? "/ready" : "");
      }
      line.append(" rw=").append(rwEndpoints());
      PostgresShard s =
          client.resources(PostgresShard.class).inNamespace(namespace).withName(shard).get();
      line.append(" target=").append(s.getStatus().getTargetPrimary());
      s.getStatus().getConditions().stream()
          .filter(c -> "FailingOver".equals(c.getType()) || "Ready".equals(c.getType()))
          .forEach(
              c ->
                  line.append(' ')
                      .append(c.getType())
                      .append('=')
                      .append(c.getStatus())
                      .append('/')
                      .append(c.getReason()));
    } catch (RuntimeException e) {
      line.append(" api: ").append(e.getMessage());
    }
    List<String> errors = app.errors();
    line.append(" acks=").append(app.acknowledgedCount()).append(" errors=").append(errors.size());
    if (!errors.isEmpty()) {
      line.append(" last: ").append(errors.get(errors.size() - 1));
    }
    return line.toString();
  }

  private List<Pod> pods() {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabels(Labels.instanceSelector(cluster, shard))
        .list()
        .getItems();
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The ready addresses of the rw Service's EndpointSlices, as a Service proxy routes to them. */
  private List<String> rwEndpoints() {
    return client
        .discovery()
        .v1beta1()
        .endpointSlices()
        .inNamespace(namespace)
        .withLabel("kubernetes.io/service-name", ResourceNames.primaryService(shard))
        .list()
        .getItems()
        .stream()
        .flatMap(slice -> slice.getEndpoints().stream())
        .filter(
            e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
        .flatMap(e -> e.getAddresses().stream())
        .toList();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
