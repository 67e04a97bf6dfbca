package io.pgshard.e2e.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;

/**
 * What a scenario needs of either end-to-end level: the local harness on the mock API server
 * ({@link LocalCluster}) or the real control plane ({@link ControlPlaneCluster}).
 */
public interface Harness extends AutoCloseable {

  /** A client with every permission, as a cluster admin's kubectl. */
  KubernetesClient client();

  /** The address a Service's DNS name resolves to here. */
  String serviceAddress(String namespace, String service);

  /**
   * Applies every object of a manifest in {@code namespace} (created if absent), as {@code kubectl
   * apply} does; returns the objects as the manifest states them.
   */
  List<HasMetadata> apply(Path manifest, String namespace);

  /** The process kubelet that runs the pods. */
  ProcessKubelet kubelet();

  /** Stops the operator, every pod's processes and the API server. */
  @Override
  void close();
}
