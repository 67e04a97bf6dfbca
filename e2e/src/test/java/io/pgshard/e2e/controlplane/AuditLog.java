package io.pgshard.e2e.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API server's audit log (JSON lines, Metadata level): one {@link Request} per request that
 * completed, of the users the control plane was told to audit.
 */
public final class AuditLog {

  /**
   * One request: who, what (verb on group/resource[/subresource], namespace and name where given),
   * the response code, and when it completed.
   */
  public record Request(
      String user,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      String name,
      int code,
      Instant at,
      String userAgent) {

    /** {@code verb group/resource[/subresource]}, the group left out for the core group. */
    public String permission() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (subresource.isEmpty() ? "" : "/" + subresource);
    }

    public boolean isWrite() {
      return Set.of("create", "update", "patch", "delete", "deletecollection").contains(verb);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One line of the log as a request of {@code user} (any user when null), if it is one. */
  public static Optional<Request> parse(String line, String user) {
    try {
      return line.isBlank() ? Optional.empty() : request(JSON.readTree(line), user);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Request> request(JsonNode event, String user) {
    String username = event.path("user").path("username").asText();
    JsonNode object = event.path("objectRef");
    if ((user != null && !user.equals(username)) || object.isMissingNode()) {
      return Optional.empty(); // another user, or a non-resource URL: /version, discovery
    }
    return Optional.of(
        new Request(
            username,
            event.path("verb").asText(),
            object.path("apiGroup").asText(""),
            object.path("resource").asText(""),
            object.path("subresource").asText(""),
            object.path("namespace").asText(""),
            object.path("name").asText(""),
            event.path("responseStatus").path("code").asInt(0),
            Instant.parse(event.path("stageTimestamp").asText()),
            event.path("userAgent").asText("")));
  }

  private AuditLog() {}

  /** Requests of {@code user} (all users when null), in the order they completed. */
  public static List<Request> read(Path log, String user) {
    List<Request> requests = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try {
      if (!Files.exists(log)) {
        return requests;
      }
      for (String line : Files.readAllLines(log)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        // a watch logs ResponseStarted and later ResponseComplete: count it once
        if (!seen.add(event.path("auditID").asText())) {
          continue;
        }
        request(event, user).ifPresent(requests::add);
      }
      return requests;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
