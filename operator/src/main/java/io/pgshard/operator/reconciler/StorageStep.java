package io.pgshard.operator.reconciler;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pgshard.operator.api.v1alpha1.InstanceStatus;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.api.v1alpha1.ShardStorageStatus;
import io.pgshard.operator.kube.KubernetesEvents;
import io.pgshard.operator.model.Labels;
import io.pgshard.operator.model.ResourceNames;
import io.pgshard.operator.status.Reasons;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Growth of a shard's data claims when {@code spec.postgres.storage.size} is raised. A
 * StatefulSet's claim templates are immutable, so the step does what a user would: it raises each
 * existing claim's request (the API server's resize admission refuses that where the StorageClass
 * does not allow expansion: reported with its words, and nothing else is touched), then deletes the
 * StatefulSet with orphan propagation, so that its pods keep running, and the shard's workflow
 * creates it again with the new claim template (the same pod template: the pods are adopted as they
 * are, nothing restarts). Until then the StatefulSet keeps its claim size, so every other change
 * still applies. Lowering the size is refused: a volume cannot shrink. None of this holds back
 * failover, which runs before it.
 */
public final class StorageStep {

  private static final Logger LOG = LoggerFactory.getLogger(StorageStep.class);
  static final String GROWING = "Growing";
  static final String GROWN = "Grown";

  private final KubernetesClient client;
  private final KubernetesEvents events;

  /**
   * Pod template annotations of a replaced StatefulSet that the operator does not write (kubectl
   * rollout restart's {@code restartedAt}), by shard, until the new StatefulSet has them again:
   * without them its template would differ from the pods' and the rollout would restart them all.
   */
  private final Map<ResourceID, Map<String, String>> carried = new ConcurrentHashMap<>();

  public StorageStep(KubernetesClient client, KubernetesEvents events) {
    this.client = client;
    this.events = events;
  }

  /**
   * What the workflow needs before it runs: the claim size the StatefulSet keeps (empty: the
   * spec's), a problem to report (a refused growth or shrink), and whether the StatefulSet is being
   * replaced (the workflow waits until it is gone, so that it never writes the old one again; the
   * shard is looked at again soon).
   */
  record Prepared(Optional<String> heldSize, String reason, String problem, boolean replacing) {
    static Prepared none() {
      return new Prepared(Optional.empty(), null, null, false);
    }
  }

  /** Before the workflow: grows the claims and replaces the StatefulSet when the size went up. */
  Prepared prepare(PostgresShard shard, Optional<StatefulSet> statefulSet) {
    ResourceID id = ResourceID.fromResource(shard);
    if (statefulSet.isEmpty()) {
      return Prepared.none();
    }
    StatefulSet sts = statefulSet.get();
    if (sts.getMetadata().getDeletionTimestamp() == null && carried.containsKey(id)) {
      carryOver(shard, id, sts);
    }
    Optional<String> current = templateSize(sts);
    String wanted = shard.getSpec().getPostgres().getStorage().getSize();
    if (current.isEmpty()) {
      return Prepared.none();
    }
    if (sts.getMetadata().getDeletionTimestamp() != null) {
      // replaced for a growth: the workflow creates it again once it is gone
      return new Prepared(current, null, null, true);
    }
    int cmp = bytes(wanted).compareTo(bytes(current.get()));
    if (cmp == 0) {
      return Prepared.none();
    }
    if (cmp < 0) {
      return new Prepared(
          current,
          Reasons.STORAGE_SHRINK_REFUSED,
          "spec.postgres.storage.size: "
              + wanted
              + " is smaller than the data claims' "
              + current.get()
              + "; a volume cannot shrink, the claims keep "
              + current.get(),
          false);
    }
    for (String claim : claimNames(shard, sts)) {
      PersistentVolumeClaim pvc = claim(shard, claim);
      if (pvc == null || bytes(requested(pvc)).compareTo(bytes(wanted)) >= 0) {
        continue;
      }
      try {
        client
            .persistentVolumeClaims()
            .inNamespace(shard.getMetadata().getNamespace())
            .withName(claim)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + wanted + "\"}}}}");
      } catch (KubernetesClientException e) {
        return new Prepared(
            current,
            Reasons.OBJECTS_NOT_APPLIED,
            "spec.postgres.storage.size: the API server refused to grow claim "
                + claim
                + " to "
                + wanted
                + " (does its StorageClass allow volume expansion?): "
                + ShardReports.rootMessage(e),
            false);
      }
      LOG.info("claim {} asked to grow to {}", claim, wanted);
    }
    Map<String, String> foreign = new TreeMap<>(templateAnnotations(sts));
    foreign.remove(Labels.RESTART);
    foreign.remove(Labels.RESTART_SHARD);
    if (!foreign.isEmpty()) {
      carried.put(id, foreign);
    }
    client
        .apps()
        .statefulSets()
        .inNamespace(shard.getMetadata().getNamespace())
        .withName(sts.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    String message =
        "data claims asked to grow from "
            + current.get()
            + " to "
            + wanted
            + "; StatefulSet "
            + sts.getMetadata().getName()
            + " is created again with the new claim template, its pods keep running";
    LOG.info(message);
    events.normal(shard, "StorageGrowing", message);
    return new Prepared(current, null, null, true);
  }

  /**
   * After the workflow: {@code status.storage} from the claims while a growth is under way (or just
   * started), untouched otherwise; returns whether to look again soon.
   */
  boolean report(PostgresShard shard, PostgresShardStatus status, Prepared prepared) {
    ShardStorageStatus previous = status.getStorage();
    String wanted = shard.getSpec().getPostgres().getStorage().getSize();
    boolean started = prepared.replacing();
    boolean following =
        previous != null
            && GROWING.equals(previous.getPhase())
            && wanted.equals(previous.getRequested());
    if (!started && !following) {
      return false;
    }
    ShardStorageStatus next = new ShardStorageStatus();
    next.setRequested(wanted);
    boolean grown = true;
    for (String claim : claimNames(shard, null)) {
      PersistentVolumeClaim pvc = claim(shard, claim);
      if (pvc == null) {
        continue;
      }
      ShardStorageStatus.ClaimStatus c = new ShardStorageStatus.ClaimStatus();
      c.setName(claim);
      c.setRequested(requested(pvc));
      c.setCapacity(capacity(pvc));
      c.setResizing(resizing(pvc));
      c.setFilesystemBytes(filesystemBytes(status, claim));
      next.getClaims().add(c);
      if (c.getCapacity() == null || bytes(c.getCapacity()).compareTo(bytes(wanted)) < 0) {
        grown = false;
      }
    }
    next.setPhase(grown && !started ? GROWN : GROWING);
    status.setStorage(next);
    if (GROWN.equals(next.getPhase())) {
      String message = "every data claim has grown to " + wanted;
      LOG.info(message);
      events.normal(shard, "StorageGrown", message);
      return false;
    }
    return true;
  }

  /** Whether a replaced StatefulSet's template is not whole again yet: no rollout meanwhile. */
  boolean replacing(PostgresShard shard) {
    return carried.containsKey(ResourceID.fromResource(shard));
  }

  /**
   * Writes the carried annotations into the new StatefulSet's template (as another field manager,
   * so the operator's apply leaves them alone), and lets go once the StatefulSet controller has
   * seen that template (its revision is the pods' again).
   */
  private void carryOver(PostgresShard shard, ResourceID id, StatefulSet sts) {
    Map<String, String> wanted = carried.get(id);
    Map<String, String> has = templateAnnotations(sts);
    if (wanted.entrySet().stream().allMatch(e -> e.getValue().equals(has.get(e.getKey())))) {
      if (sts.getStatus() != null
          && sts.getMetadata().getGeneration() != null
          && sts.getMetadata().getGeneration().equals(sts.getStatus().getObservedGeneration())) {
        carried.remove(id);
      }
    } else {
      StringBuilder json =
          new StringBuilder("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{");
      String sep = "";
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        json.append(sep)
            .append('"')
            .append(e.getKey())
            .append("\":\"")
            .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"');
        sep = ",";
      }
      json.append("}}}}}");
      client
          .apps()
          .statefulSets()
          .inNamespace(shard.getMetadata().getNamespace())
          .withName(sts.getMetadata().getName())
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.JSON_MERGE)
                  .withFieldManager(CARRIED_BY)
                  .build(),
              json.toString());
      LOG.info("annotations {} carried to the new StatefulSet", wanted.keySet());
    }
  }

  private static final String CARRIED_BY = "pgshard-storage-growth";

  private static Map<String, String> templateAnnotations(StatefulSet sts) {
    var meta = sts.getSpec().getTemplate().getMetadata();
    return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
  }

  private PersistentVolumeClaim claim(PostgresShard shard, String name) {
    return client
        .persistentVolumeClaims()
        .inNamespace(shard.getMetadata().getNamespace())
        .withName(name)
        .get();
  }

  /** The data claims of ordinals 0 to the larger of the spec's and the StatefulSet's replicas. */
  private static List<String> claimNames(PostgresShard shard, StatefulSet sts) {
    String stsName = ResourceNames.statefulSet(shard.getMetadata().getName());
    int instances = shard.getSpec().getReplicas() + 1;
    if (sts != null && sts.getSpec().getReplicas() != null) {
      instances = Math.max(instances, sts.getSpec().getReplicas());
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      names.add(ResourceNames.DATA_VOLUME + "-" + stsName + "-" + i);
    }
    return names;
  }

  private static Optional<String> templateSize(StatefulSet sts) {
    return sts.getSpec().getVolumeClaimTemplates().stream()
        .filter(c -> ResourceNames.DATA_VOLUME.equals(c.getMetadata().getName()))
        .map(c -> c.getSpec().getResources().getRequests().get("storage"))
        .filter(q -> q != null)
        .map(Quantity::toString)
        .findFirst();
  }

  /** What the instance on the claim (named after its pod) last reported of its filesystem. */
  private static Long filesystemBytes(PostgresShardStatus status, String claim) {
    String pod = claim.substring(ResourceNames.DATA_VOLUME.length() + 1);
    return status.getInstances().stream()
        .filter(i -> pod.equals(i.getName()))
        .map(InstanceStatus::getDataFilesystemBytes)
        .filter(b -> b != null)
        .findFirst()
        .orElse(null);
  }

  private static String requested(PersistentVolumeClaim pvc) {
    Quantity q =
        pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
            ? null
            : pvc.getSpec().getResources().getRequests().get("storage");
    return q == null ? "0" : q.toString();
  }

  private static String capacity(PersistentVolumeClaim pvc) {
    Quantity q =
        pvc.getStatus() == null || pvc.getStatus().getCapacity() == null
            ? null
            : pvc.getStatus().getCapacity().get("storage");
    return q == null ? null : q.toString();
  }

  private static String resizing(PersistentVolumeClaim pvc) {
    if (pvc.getStatus() == null || pvc.getStatus().getConditions() == null) {
      return null;
    }
    return pvc.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .map(PersistentVolumeClaimCondition::getType)
        .findFirst()
        .orElse(null);
  }

  private static BigDecimal bytes(String quantity) {
    return Quantity.getAmountInBytes(new Quantity(quantity));
  }
}
