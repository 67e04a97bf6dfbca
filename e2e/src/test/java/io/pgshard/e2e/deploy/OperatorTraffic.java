package io.pgshard.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Conditions;
import io.pgshard.operator.testing.MockKubernetes;
import io.pgshard.operator.testing.Samples;
import io.pgshard.operator.testing.SimulatedControllers;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every request the real operator sends to the API server while two clusters live their lives,
 * recorded by the fabric8 mock API server. The life, as OperatorMockApiTest drives it step by step:
 * the samples are created and their pods made ready, replicas and pooler instances raised, objects
 * the operator owns edited behind its back (and put back), the pooler and the disruption budgets
 * turned off, shards lowered (refused), then both clusters deleted, one with its volume claims. All
 * the while the operator holds and renews the chart's Lease, as the leader of its replicas.
 */
final class OperatorTraffic implements AutoCloseable {

  static final String MINIMAL_NS = "team-a";
  static final String PRODUCTION_NS = "team-b";
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final MockKubernetes kube;
  private final KubernetesClient client;

  private OperatorTraffic(String leaseNamespace, String leaseName) {
    kube = MockKubernetes.start();
    client = kube.client();
    // leader election on, as the chart runs it (the mock answers JOSDK's access check); the
    // test's JVM must outlive the operator giving up its Lease when the test stops it
    kube.startOperator(
        Clock.systemUTC(),
        MockKubernetes.leaderElection(leaseNamespace, leaseName, "pgshard-operator-0"));
  }

  /** Runs it all; the Lease is the one the chart configures (namespace and name). */
  static List<ApiCall> record(String leaseNamespace, String leaseName) {
    try (OperatorTraffic traffic = new OperatorTraffic(leaseNamespace, leaseName)) {
      traffic.clusterLife();
      traffic.awaitALeaseRenewal(leaseNamespace, leaseName);
      return traffic.kube.drainRequests().stream()
          .filter(MockKubernetes.Request::fromOperator)
          .map(r -> ApiCall.of(r.method(), r.path()))
          .toList();
    }
  }

  @Override
  public void close() {
    kube.close();
  }

  void clusterLife() {
    Samples.apply(client, "minimal.yaml", MINIMAL_NS);
    Samples.apply(client, "production.yaml", PRODUCTION_NS);
    await().atMost(TIMEOUT).until(() -> statefulSets(MINIMAL_NS) == 2);
    await().atMost(TIMEOUT).until(() -> statefulSets(PRODUCTION_NS) == 4);
    await().atMost(TIMEOUT).until(() -> count(Deployment.class, MINIMAL_NS) == 2);
    await().atMost(TIMEOUT).until(() -> count(Deployment.class, PRODUCTION_NS) == 4);

    runAllShards(MINIMAL_NS, "minimal", 2);
    runAllShards(PRODUCTION_NS, "orders", 4);
    awaitPhase(MINIMAL_NS, "minimal", "Ready");
    awaitPhase(PRODUCTION_NS, "orders", "Ready");

    // objects changed behind the operator's back are put back
    edit(PRODUCTION_NS, "orders", c -> c.getSpec().getPooler().setInstances(3));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.apps().deployments().inNamespace(PRODUCTION_NS).list().getItems().stream()
                    .allMatch(d -> d.getSpec().getReplicas() == 3));
    String primary = ResourceNames.primaryService(ResourceNames.shard("orders", 0));
    int port = get(Service.class, PRODUCTION_NS, primary).getSpec().getPorts().get(0).getPort();
    editBehindTheOperatorsBack(
        Service.class, PRODUCTION_NS, primary, s -> s.getSpec().getPorts().get(0).setPort(6543));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get(Service.class, PRODUCTION_NS, primary).getSpec().getPorts().get(0).getPort()
                    == port);
    String budget = ResourceNames.podDisruptionBudget(ResourceNames.shard("orders", 0));
    editBehindTheOperatorsBack(
        PodDisruptionBudget.class,
        PRODUCTION_NS,
        budget,
        b -> b.getSpec().setMaxUnavailable(new IntOrString(2)));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get(PodDisruptionBudget.class, PRODUCTION_NS, budget)
                        .getSpec()
                        .getMaxUnavailable()
                        .getIntVal()
                    == 1);

    edit(MINIMAL_NS, "minimal", c -> c.getSpec().setReplicas(2));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.apps().statefulSets().inNamespace(MINIMAL_NS).list().getItems().stream()
                    .allMatch(s -> s.getSpec().getReplicas() == 3));

    edit(MINIMAL_NS, "minimal", c -> c.getSpec().getPooler().setEnabled(false));
    await().atMost(TIMEOUT).until(() -> count(Deployment.class, MINIMAL_NS) == 0);

    edit(PRODUCTION_NS, "orders", c -> c.getSpec().getPodDisruptionBudget().setEnabled(false));
    await().atMost(TIMEOUT).until(() -> count(PodDisruptionBudget.class, PRODUCTION_NS) == 0);

    // lowering shards is refused: a warning event and a status, nothing deleted
    edit(PRODUCTION_NS, "orders", c -> c.getSpec().setShards(3));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "InvalidSpec"
                    .equals(
                        Conditions.reason(
                            cluster(PRODUCTION_NS, "orders").getStatus().getConditions(),
                            Conditions.READY)));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.v1().events().inNamespace(PRODUCTION_NS).list().getItems().stream()
                    .anyMatch(e -> "InvalidSpec".equals(e.getReason())));

    edit(
        MINIMAL_NS,
        "minimal",
        c -> c.getSpec().getPostgres().getStorage().setDeleteClaimsWithCluster(true));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              ShardedCluster c = cluster(MINIMAL_NS, "minimal");
              return c.getMetadata().getGeneration().equals(c.getStatus().getObservedGeneration());
            });
    assertThat(claims(MINIMAL_NS)).isNotEmpty();

    delete(MINIMAL_NS, "minimal");
    delete(PRODUCTION_NS, "orders");
    await().atMost(TIMEOUT).until(() -> cluster(MINIMAL_NS, "minimal") == null);
    await().atMost(TIMEOUT).until(() -> cluster(PRODUCTION_NS, "orders") == null);
    assertThat(claims(MINIMAL_NS)).as("claims of the cluster that opted in").isEmpty();
    assertThat(claims(PRODUCTION_NS)).as("claims of the cluster that did not").isNotEmpty();
  }

  /** The leader renews its Lease every retry period (2 s by JOSDK's default). */
  void awaitALeaseRenewal(String namespace, String name) {
    Resource<Lease> lease = client.leases().inNamespace(namespace).withName(name);
    assertThat(lease.get()).as("the operator's Lease %s/%s", namespace, name).isNotNull();
    ZonedDateTime renewed = lease.get().getSpec().getRenewTime();
    await().atMost(TIMEOUT).until(() -> !renewed.equals(lease.get().getSpec().getRenewTime()));
  }

  // --- helpers

  void runAllShards(String namespace, String cluster, int shards) {
    SimulatedControllers controllers = new SimulatedControllers(client);
    for (int i = 0; i < shards; i++) {
      String shard = ResourceNames.shard(cluster, i);
      controllers.runStatefulSet(namespace, shard, 0);
      controllers.runDeployment(namespace, ResourceNames.pooler(shard));
    }
  }

  void awaitPhase(String namespace, String name, String phase) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              ShardedCluster c = cluster(namespace, name);
              return c.getStatus() != null && phase.equals(c.getStatus().getPhase());
            });
  }

  ShardedCluster cluster(String namespace, String name) {
    return client.resources(ShardedCluster.class).inNamespace(namespace).withName(name).get();
  }

  /** Edits a cluster the way kubectl replace does. */
  void edit(String namespace, String name, Consumer<ShardedCluster> change) {
    replace(ShardedCluster.class, namespace, name, change);
  }

  <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  /** Changes an object the operator owns, as a person with kubectl edit would. */
  <T extends HasMetadata> void editBehindTheOperatorsBack(
      Class<T> type, String namespace, String name, Consumer<T> change) {
    replace(type, namespace, name, change);
  }

  /** Read, change, write; again on a conflict (the operator writes between our read and write). */
  <T extends HasMetadata> void replace(
      Class<T> type, String namespace, String name, Consumer<T> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              T current = get(type, namespace, name);
              change.accept(current);
              client.resource(current).update();
              return true;
            });
  }

  void delete(String namespace, String name) {
    client.resources(ShardedCluster.class).inNamespace(namespace).withName(name).delete();
  }

  int statefulSets(String namespace) {
    return count(StatefulSet.class, namespace);
  }

  <T extends HasMetadata> int count(Class<T> type, String namespace) {
    return client.resources(type).inNamespace(namespace).list().getItems().size();
  }

  List<PersistentVolumeClaim> claims(String namespace) {
    return client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .withLabel(Labels.CLUSTER)
        .list()
        .getItems();
  }
}
