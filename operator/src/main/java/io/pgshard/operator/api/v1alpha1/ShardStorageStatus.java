package io.pgshard.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** A storage growth of a shard's volume claims and how far it got (present once one started). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardStorageStatus {

  @JsonPropertyDescription(
      "The size every data claim was asked to grow to (spec.postgres.storage.size).")
  private String requested;

  @JsonPropertyDescription("Grown: every claim's capacity reached the request; else Growing.")
  private String phase;

  @JsonPropertyDescription("Each data claim: its request, its capacity, and a resize under way.")
  private List<ClaimStatus> claims = new ArrayList<>();

  public ShardStorageStatus copy() {
    ShardStorageStatus c = new ShardStorageStatus();
    c.requested = requested;
    c.phase = phase;
    for (ClaimStatus claim : claims) {
      c.claims.add(claim.copy());
    }
    return c;
  }

  public String getRequested() {
    return requested;
  }

  public void setRequested(String requested) {
    this.requested = requested;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public List<ClaimStatus> getClaims() {
    return claims;
  }

  public void setClaims(List<ClaimStatus> claims) {
    this.claims = claims;
  }

  /** One data claim. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClaimStatus {

    @JsonPropertyDescription("The claim's name.")
    private String name;

    @JsonPropertyDescription("spec.resources.requests.storage of the claim.")
    private String requested;

    @JsonPropertyDescription("status.capacity.storage of the claim: the size of its volume.")
    private String capacity;

    @JsonPropertyDescription(
        "A resize condition of the claim (Resizing, FileSystemResizePending), or absent.")
    private String resizing;

    @JsonPropertyDescription(
        "Size in bytes of the filesystem on the claim as the instance using it sees it: it follows"
            + " the capacity once the filesystem has grown.")
    private Long filesystemBytes;

    ClaimStatus copy() {
      ClaimStatus c = new ClaimStatus();
      c.name = name;
      c.requested = requested;
      c.capacity = capacity;
      c.resizing = resizing;
      c.filesystemBytes = filesystemBytes;
      return c;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getRequested() {
      return requested;
    }

    public void setRequested(String requested) {
      this.requested = requested;
    }

    public String getCapacity() {
      return capacity;
    }

    public void setCapacity(String capacity) {
      this.capacity = capacity;
    }

    public Long getFilesystemBytes() {
      return filesystemBytes;
    }

    public void setFilesystemBytes(Long filesystemBytes) {
      this.filesystemBytes = filesystemBytes;
    }

    public String getResizing() {
      return resizing;
    }

    public void setResizing(String resizing) {
      this.resizing = resizing;
    }
  }
}
