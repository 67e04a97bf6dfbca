package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.testing.Pause;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The process kubelet's Node on a real control plane: registers it (Ready, with room for many pods)
 * and sends the heartbeat the node lifecycle controller waits for: without one within its grace
 * period (40 s) the node would turn NotReady, be tainted, and its pods evicted.
 */
final class NodeAgent implements AutoCloseable {

  static final String NODE = "pgshard-local-node";
  private static final long HEARTBEAT_MILLIS = 10_000;

  private final KubernetesClient client;
  private final Thread loop;
  private volatile boolean stopped;

  NodeAgent(KubernetesClient client) {
    this.client = client;
    client.nodes().resource(node()).create();
    this.loop = new Thread(this::heartbeats, "harness-node-heartbeat");
    loop.setDaemon(true);
    loop.start();
  }

  private static Node node() {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu",
            new Quantity("64"),
            "memory",
            new Quantity("256Gi"),
            "pods",
            new Quantity("500"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(NODE)
        .withLabels(Map.of("kubernetes.io/hostname", NODE, "kubernetes.io/os", "linux"))
        .endMetadata()
        .withNewStatus()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withConditions(ready())
        .addNewAddress()
        .withType("InternalIP")
        .withAddress("127.0.0.1")
        .endAddress()
        .endStatus()
        .build();
  }

  private static NodeCondition ready() {
    String now = Instant.now().toString();
    return new NodeConditionBuilder()
        .withType("Ready")
        .withStatus("True")
        .withReason("KubeletReady")
        .withMessage("the pgshard harness's process kubelet is running")
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  private void heartbeats() {
    while (!stopped) {
      Pause.millis(HEARTBEAT_MILLIS);
      try {
        Node node = client.nodes().withName(NODE).get();
        if (node == null) {
          continue;
        }
        NodeCondition condition = ready();
        node.getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .ifPresent(c -> condition.setLastTransitionTime(c.getLastTransitionTime()));
        node.getStatus().setConditions(List.of(condition));
        client.nodes().resource(node).updateStatus();
      } catch (KubernetesClientException e) {
        // a conflict or a busy API: the next beat is in time
      } catch (IllegalStateException e) {
        // the client was closed under a pass that had begun: the harness is stopping
        if (stopped) {
          return;
        }
        throw e;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
  }
}
