package gov.cms.bfd.migrator.operator.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test bed API server's audit log (every request of a ServiceAccount, level Metadata), read from a mark on: who
 * asked for what, and what the authorizer said.
 */
public final class AuditLog {

  /**
   * One request: the verb and resource as RBAC sees them ({@code resource} is {@code resource/subresource} as a rule
   * names it, null for a non-resource URL such as discovery), and the answer.
   */
  public record Request(String user, String verb, String apiGroup, String resource, String namespace, String name,
      String uri, int code, String decision, String reason) {

    @Override
    public String toString() {
      return verb + " " + (resource == null ? "" : (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource)
          + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " " + name) + " (" + uri + ") -> "
          + code + (decision == null ? "" : " " + decision) + (reason == null || reason.isEmpty() ? "" : ", " + reason);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final long from;

  private AuditLog(Path file, long from) {
    this.file = file;
    this.from = from;
  }

  /** What is logged from now on. */
  public static AuditLog fromNow(TestBed bed) throws IOException {
    Path file = bed.auditLog();
    return new AuditLog(file, Files.exists(file) ? Files.size(file) : 0);
  }

  /**
   * The requests {@code user} made since the mark, once each (a watch is logged when its response starts and again
   * when it ends).
   */
  public List<Request> requestsBy(String user) throws IOException {
    Map<String, Request> byAuditId = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return List.of();
    }
    try (var in = new RandomAccessFile(file.toFile(), "r")) {
      in.seek(from);
      byte[] bytes = new byte[(int) (in.length() - from)];
      in.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      // the last line may still be being written
      int end = text.lastIndexOf('\n');
      for (String line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (!user.equals(event.path("user").path("username").asText())) {
          continue;
        }
        JsonNode ref = event.path("objectRef");
        String resource = ref.isMissingNode() ? null : ref.path("resource").asText()
            + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
        JsonNode annotations = event.path("annotations");
        byAuditId.put(event.path("auditID").asText(), new Request(user, event.path("verb").asText(),
            ref.path("apiGroup").asText(""), resource, text(ref, "namespace"), text(ref, "name"),
            event.path("requestURI").asText(), event.path("responseStatus").path("code").asInt(),
            text(annotations, "authorization.k8s.io/decision"), text(annotations, "authorization.k8s.io/reason")));
      }
    }
    return List.copyOf(byAuditId.values());
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }
}
