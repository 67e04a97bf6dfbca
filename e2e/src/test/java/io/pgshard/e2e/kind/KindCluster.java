package io.pgshard.e2e.kind;

import com.dajudge.kindcontainer.KindContainer;
import com.dajudge.kindcontainer.KindContainerVersion;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgshard.e2e.deploy.OperatorChart;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.ShardedCluster;
import io.pgshard.operator.model.Labels;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.Objects;

/**
 * A one-node kind cluster in a container (kindcontainer), with the operator image loaded into it
 * and the chart in {@code helm/pgshard-operator} installed by Helm (helm-java) as a user would.
 */
final class KindCluster implements AutoCloseable {

  /** Pinned so a run means the same thing next year (kubectl here is 1.32 too). */
  static final KindContainerVersion KUBERNETES = KindContainerVersion.VERSION_1_32_0;

  /** helm --wait: the operator Deployment's pods must pass their readiness probe. */
  private static final int INSTALL_TIMEOUT_SECONDS = 300;

  private final KindContainer<?> node;
  private final KubernetesClient client;

  private KindCluster(KindContainer<?> node) {
    this.node = node;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(node.getKubeconfig()))
            .build();
  }

  /** Starts the node and loads the (already built) operator image into it. */
  static KindCluster start() {
    KindContainer<?> node = new KindContainer<>(KUBERNETES);
    node.start();
    try {
      OperatorImage.loadInto(node);
      return new KindCluster(node);
    } catch (RuntimeException e) {
      node.stop();
      throw e;
    }
  }

  KubernetesClient client() {
    return client;
  }

  /**
   * {@code helm install} of the chart (CRDs from its crds/ directory, RBAC, the Deployment) with
   * the loaded image; {@code pullPolicy: Never}, so a failed load shows as ErrImageNeverPull
   * instead of a pull of some published image.
   */
  void installOperator() {
    new Helm(OperatorChart.dir())
        .install()
        .withName(OperatorChart.RELEASE)
        .withNamespace(OperatorChart.NAMESPACE)
        .createNamespace()
        .set("image.repository", OperatorImage.REPOSITORY)
        .set("image.tag", OperatorImage.TAG)
        .set("image.pullPolicy", "Never")
        .withKubeConfigContents(node.getKubeconfig())
        .waitReady()
        .withTimeout(INSTALL_TIMEOUT_SECONDS)
        .call();
  }

  void createNamespace(String namespace) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  /** What a reader of a failed run needs: status, pods, events, the operator's last log lines. */
  void dump(String namespace, PrintStream out) {
    try {
      for (ShardedCluster c :
          client.resources(ShardedCluster.class).inNamespace(namespace).list().getItems()) {
        out.println("--- ShardedCluster " + c.getMetadata().getName());
        out.println(client.getKubernetesSerialization().asYaml(c.getStatus()));
      }
      for (PostgresShard s :
          client.resources(PostgresShard.class).inNamespace(namespace).list().getItems()) {
        out.println("--- PostgresShard " + s.getMetadata().getName());
        out.println(client.getKubernetesSerialization().asYaml(s.getStatus()));
      }
      for (String ns : new String[] {namespace, OperatorChart.NAMESPACE}) {
        out.println("--- pods in " + ns);
        for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
          out.printf(
              "%s phase=%s role=%s%n",
              p.getMetadata().getName(),
              p.getStatus().getPhase(),
              p.getMetadata().getLabels().get(Labels.ROLE));
        }
        out.println("--- events in " + ns);
        client.v1().events().inNamespace(ns).list().getItems().stream()
            .sorted(
                Comparator.comparing(
                    (Event e) -> Objects.toString(e.getLastTimestamp(), ""),
                    Comparator.naturalOrder()))
            .forEach(
                e ->
                    out.printf(
                        "%s %s %s/%s: %s%n",
                        e.getLastTimestamp(),
                        e.getType(),
                        e.getInvolvedObject().getKind(),
                        e.getInvolvedObject().getName(),
                        e.getMessage()));
      }
      for (Pod p : client.pods().inNamespace(OperatorChart.NAMESPACE).list().getItems()) {
        out.println("--- log of " + p.getMetadata().getName());
        out.println(
            client
                .pods()
                .inNamespace(OperatorChart.NAMESPACE)
                .withName(p.getMetadata().getName())
                .tailingLines(200)
                .getLog());
      }
    } catch (RuntimeException e) {
      out.println("dump incomplete: " + e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      node.stop();
    }
  }
}
