package io.pgshard.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgshard.operator.api.v1alpha1.FailoverRecord;
import io.pgshard.operator.api.v1alpha1.PostgresShard;
import io.pgshard.operator.api.v1alpha1.PostgresShardStatus;
import io.pgshard.operator.failover.FailoverDecision;
import io.pgshard.operator.failover.ShardControl;
import io.pgshard.operator.metrics.FailoverMetrics;
import io.pgshard.operator.model.Labels;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link ShardControl} with the API client: role labels on pods, pod deletion, and the
 * PostgresShard status (written at once, not at the end of the reconcile: the target must be on
 * record before anything is fenced). The shard it was given is carried forward with each status
 * write, so every write uses the latest resourceVersion.
 */
public final class KubernetesShardControl implements ShardControl {

  private final KubernetesClient client;
  private final List<Pod> pods;
  private final KubernetesEvents events;
  private final FailoverMetrics metrics;
  private final long decidedAtMillis;
  private final Set<String> deleted = new HashSet<>();
  private PostgresShard shard;

  public KubernetesShardControl(
      KubernetesClient client,
      PostgresShard shard,
      List<Pod> pods,
      KubernetesEvents events,
      FailoverMetrics metrics,
      long decidedAtMillis) {
    this.client = client;
    this.shard = shard;
    this.pods = pods;
    this.events = events;
    this.metrics = metrics;
    this.decidedAtMillis = decidedAtMillis;
  }

  public PostgresShard current() {
    return shard;
  }

  @Override
  public void recordTarget(String pod) {
    PostgresShardStatus status = status();
    if (pod.equals(status.getTargetPrimary())) {
      return;
    }
    status.setTargetPrimary(pod);
    writeStatus(status);
  }

  @Override
  public void removePrimaryLabel(String pod) {
    setRole(pod, null);
  }

  /** The grace period of a fencing delete (a primary that failed, not one that hands over). */
  public static final long FENCE_GRACE_SECONDS = 1;

  /**
   * Deletes the incarnation of {@code pod} that ran as primary, once: its UID goes on record
   * (status.fencedPrimaryUid) before the delete, so a repeat (the fence not confirmed yet, an
   * operator restart) leaves the replacement pod alone: it starts as a standby.
   */
  @Override
  public void deletePod(String pod, boolean immediately) {
    var resource = client.pods().inNamespace(namespace()).withName(pod);
    Pod now = resource.get();
    if (now == null) {
      deleted.add(pod);
      return;
    }
    String uid = now.getMetadata().getUid();
    String fenced = fencedPrimaryUid(pod);
    if (fenced != null && !fenced.equals(uid)) {
      deleted.add(pod);
      return;
    }
    if (fenced == null) {
      PostgresShardStatus status = status();
      status.setFencedPrimary(pod);
      status.setFencedPrimaryUid(uid);
      writeStatus(status);
    }
    if (immediately) {
      resource.withGracePeriod(FENCE_GRACE_SECONDS).delete();
    } else {
      resource.delete();
    }
    deleted.add(pod);
  }

  /** The UID on record of {@code pod}'s fenced incarnation, or null. */
  public String fencedPrimaryUid(String pod) {
    return fencedUid(shard, pod);
  }

  /** The UID {@code shard}'s status records for {@code pod}'s fenced incarnation, or null. */
  public static String fencedUid(PostgresShard shard, String pod) {
    PostgresShardStatus status = shard.getStatus();
    return status != null && pod.equals(status.getFencedPrimary())
        ? status.getFencedPrimaryUid()
        : null;
  }

  /**
   * Labels {@code pod} primary and every other instance replica. A pod being deleted keeps its
   * labels (its successor is labelled when it appears); only its primary label is taken off, so the
   * rw Service never has two endpoints.
   */
  @Override
  public void labelPrimary(String pod) {
    for (Pod p : pods) {
      String name = p.getMetadata().getName();
      if (!name.equals(pod) && Labels.ROLE_PRIMARY.equals(role(p))) {
        setRole(name, deleting(p) ? null : Labels.ROLE_REPLICA);
      }
    }
    setRole(pod, Labels.ROLE_PRIMARY);
    for (Pod p : pods) {
      String name = p.getMetadata().getName();
      if (!name.equals(pod) && role(p) == null && !deleting(p)) {
        setRole(name, Labels.ROLE_REPLICA);
      }
    }
  }

  private static boolean deleting(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  @Override
  public void recordPromotion(FailoverDecision.Promote promotion, long promotedAtMillis) {
    PostgresShardStatus status = status();
    FailoverRecord record = new FailoverRecord();
    record.setFrom(promotion.from());
    record.setTo(promotion.candidate());
    record.setReason(promotion.reason() + ": " + promotion.message());
    record.setDetectedAt(
        DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(decidedAtMillis)));
    record.setPromotedAt(
        DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(promotedAtMillis)));
    record.setDurationMs(promotedAtMillis - decidedAtMillis);
    record.setLostBytesEstimate(promotion.lostBytesEstimate());
    status.setLastFailover(record);
    status.setTargetPrimary(null);
    status.setFencedPrimary(null);
    status.setFencedPrimaryUid(null);
    status.setCurrentPrimary(promotion.candidate());
    writeStatus(status);
    events.normal(
        shard, "Promoted", promotion.candidate() + " is the primary: " + promotion.message());
    metrics.promoted(shard, promotion, promotedAtMillis - decidedAtMillis);
  }

  /**
   * Sets (or, with null, removes) the role label, writing only when it differs. A pod deleted
   * meanwhile (the fenced primary) is skipped: its successor is labelled replica when it appears.
   */
  public void setRole(String pod, String role) {
    Pod current =
        pods.stream().filter(p -> p.getMetadata().getName().equals(pod)).findFirst().orElse(null);
    if (deleted.contains(pod) || (current != null && Objects.equals(role(current), role))) {
      return;
    }
    // the kubelet writes a pod's status all the time (a Terminating one especially): a conflict
    // is retried on the pod as it is now
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .pods()
            .inNamespace(namespace())
            .withName(pod)
            .edit(
                p -> {
                  if (role == null) {
                    p.getMetadata().getLabels().remove(Labels.ROLE);
                  } else {
                    p.getMetadata().getLabels().put(Labels.ROLE, role);
                  }
                  return p;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  public static String role(Pod pod) {
    return pod.getMetadata().getLabels() == null
        ? null
        : pod.getMetadata().getLabels().get(Labels.ROLE);
  }

  private PostgresShardStatus status() {
    return shard.getStatus() == null ? new PostgresShardStatus() : shard.getStatus();
  }

  /**
   * Writes the failover bookkeeping. On a conflict (another write came first: a status summary, a
   * switchover condition) it is applied again to the latest shard: a promotion that happened must
   * not stay unrecorded, nor a target stay behind.
   */
  private void writeStatus(PostgresShardStatus status) {
    String target = status.getTargetPrimary();
    String fencedPod = status.getFencedPrimary();
    String fencedUid = status.getFencedPrimaryUid();
    String current = status.getCurrentPrimary();
    FailoverRecord record = status.getLastFailover();
    for (int attempt = 1; ; attempt++) {
      shard.setStatus(status);
      try {
        shard = client.resource(shard).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 5) {
          throw e;
        }
      }
      PostgresShard fresh =
          client
              .resources(PostgresShard.class)
              .inNamespace(namespace())
              .withName(shard.getMetadata().getName())
              .get();
      if (fresh == null) {
        return;
      }
      shard = fresh;
      status = status();
      status.setTargetPrimary(target);
      status.setFencedPrimary(fencedPod);
      status.setFencedPrimaryUid(fencedUid);
      status.setCurrentPrimary(current);
      status.setLastFailover(record);
    }
  }

  private String namespace() {
    return shard.getMetadata().getNamespace();
  }
}
