package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last failover of a shard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverRecord {

  @JsonPropertyDescription("Old primary.")
  private String from;

  @JsonPropertyDescription("New primary.")
  private String to;

  @JsonPropertyDescription("Why the failover happened.")
  private String reason;

  @JsonPropertyDescription("When the failure was detected (RFC 3339).")
  private String detectedAt;

  @JsonPropertyDescription("When the new primary was promoted (RFC 3339).")
  private String promotedAt;

  @JsonPropertyDescription("Detection to promotion, in milliseconds.")
  private Long durationMs;

  @JsonPropertyDescription(
      "WAL bytes the old primary had that the new one did not, as last observed.")
  private Long lostBytesEstimate;

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getDetectedAt() {
    return detectedAt;
  }

  public void setDetectedAt(String detectedAt) {
    this.detectedAt = detectedAt;
  }

  public String getPromotedAt() {
    return promotedAt;
  }

  public void setPromotedAt(String promotedAt) {
    this.promotedAt = promotedAt;
  }

  public Long getDurationMs() {
    return durationMs;
  }

  public void setDurationMs(Long durationMs) {
    this.durationMs = durationMs;
  }

  public Long getLostBytesEstimate() {
    return lostBytesEstimate;
  }

  public void setLostBytesEstimate(Long lostBytesEstimate) {
    this.lostBytesEstimate = lostBytesEstimate;
  }
}
