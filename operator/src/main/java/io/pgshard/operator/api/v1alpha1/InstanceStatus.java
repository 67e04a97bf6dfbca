package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One PostgreSQL instance of a shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceStatus {

  @JsonPropertyDescription("Pod name.")
  private String name;

  @JsonPropertyDescription("primary, replica or unknown.")
  private String role;

  @JsonPropertyDescription("Whether the pod passes its readiness probe.")
  private boolean ready = false;

  @JsonPropertyDescription("Timeline the instance is on.")
  private Long timeline;

  @JsonPropertyDescription("Last WAL position received (standbys).")
  private String receiveLsn;

  @JsonPropertyDescription("Last WAL position replayed (standbys).")
  private String replayLsn;

  @JsonPropertyDescription("Bytes behind the primary.")
  private Long lagBytes;

  @JsonPropertyDescription(
      "How the instance last rejoined the primary's history after it diverged: 'rewound <time>'"
          + " (pg_rewind) or 'recloned <time>' (its data discarded and copied again).")
  private String rejoin;

  @JsonPropertyDescription(
      "Parameters changed in the configuration that this instance applies only when it restarts"
          + " (pg_settings.pending_restart).")
  private List<String> pendingRestart;

  @JsonPropertyDescription(
      "Size in bytes of the filesystem under the data directory, as the instance's container sees"
          + " it (df, every 10 s): what a grown volume gives PostgreSQL.")
  private Long dataFilesystemBytes;

  @JsonPropertyDescription("Bytes left on that filesystem when it was last looked at.")
  private Long dataFilesystemAvailableBytes;

  public Long getDataFilesystemBytes() {
    return dataFilesystemBytes;
  }

  public void setDataFilesystemBytes(Long dataFilesystemBytes) {
    this.dataFilesystemBytes = dataFilesystemBytes;
  }

  public Long getDataFilesystemAvailableBytes() {
    return dataFilesystemAvailableBytes;
  }

  public void setDataFilesystemAvailableBytes(Long dataFilesystemAvailableBytes) {
    this.dataFilesystemAvailableBytes = dataFilesystemAvailableBytes;
  }

  public String getRejoin() {
    return rejoin;
  }

  public void setRejoin(String rejoin) {
    this.rejoin = rejoin;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public boolean isReady() {
    return ready;
  }

  public void setReady(boolean ready) {
    this.ready = ready;
  }

  public Long getTimeline() {
    return timeline;
  }

  public void setTimeline(Long timeline) {
    this.timeline = timeline;
  }

  public String getReceiveLsn() {
    return receiveLsn;
  }

  public void setReceiveLsn(String receiveLsn) {
    this.receiveLsn = receiveLsn;
  }

  public String getReplayLsn() {
    return replayLsn;
  }

  public void setReplayLsn(String replayLsn) {
    this.replayLsn = replayLsn;
  }

  public Long getLagBytes() {
    return lagBytes;
  }

  public void setLagBytes(Long lagBytes) {
    this.lagBytes = lagBytes;
  }

  public List<String> getPendingRestart() {
    return pendingRestart;
  }

  public void setPendingRestart(List<String> pendingRestart) {
    this.pendingRestart = pendingRestart;
  }
}
