package gov.cms.bfd.migrator.operator.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control endpoint of the realism layer in a moto server ({@code /moto-realism/}, hack/moto_realism.py): its
 * switches and timings, and the truth of what moto holds, read without receiving (so a test can check what the
 * operator says against what is there, without raising a receive count).
 */
public final class RealismLayer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public RealismLayer(URI motoEndpoint) {
    this.base = motoEndpoint.resolve("/moto-realism/");
  }

  /** One message as moto holds it now. */
  public record TruthMessage(String messageId, String body, long sentTimestamp, int receiveCount, boolean visible,
      Optional<Double> doomedAt) {}

  /** Who did what (PurgeQueue, DeleteMessage, SendCommand, TerminateInstances), by access key id. */
  public record Entry(long seq, String op, String by, double at, JsonNode raw) {}

  /** The layer's configuration: behaviours on or off, settings. */
  public JsonNode describe() {
    return send("GET", "", null);
  }

  public boolean on(String behaviour) {
    return describe().path("behaviours").path(behaviour).path("on").asBoolean();
  }

  /** Switches one behaviour on or off until the next {@link #reset}. */
  public void set(String behaviour, boolean on) {
    send("POST", "config", Map.of("behaviours", Map.of(behaviour, on)));
  }

  /** Changes settings (countsLagSeconds, purgeWindowSeconds, seed, ...) until the next {@link #reset}. */
  public void settings(Map<String, ?> settings) {
    send("POST", "config", Map.of("settings", settings));
  }

  /** Instances SSM does not manage, besides those tagged {@code moto-realism/ssm-managed=false}. */
  public void unmanagedInstances(List<String> instanceIds) {
    send("POST", "config", Map.of("unmanagedInstances", instanceIds));
  }

  /** Back to the configuration the server started with; the layer's state forgotten. */
  public void reset() {
    send("POST", "reset", Map.of());
  }

  /** Every message of the queue (us-east-1), in flight or not; empty when the queue does not exist. */
  public List<TruthMessage> messages(String queueName) {
    return messages("us-east-1", queueName);
  }

  /** Every message of the queue in {@code region}, in flight or not; empty when the queue does not exist. */
  public List<TruthMessage> messages(String region, String queueName) {
    JsonNode answer = send("GET", "queues?region=" + region + "&name="
        + URLEncoder.encode(queueName, StandardCharsets.UTF_8), null);
    List<TruthMessage> messages = new ArrayList<>();
    for (JsonNode m : answer.path("messages")) {
      messages.add(new TruthMessage(m.path("messageId").asText(), m.path("body").asText(),
          m.path("sentTimestamp").asLong(), m.path("receiveCount").asInt(), m.path("visible").asBoolean(),
          m.path("doomedAt").isNumber() ? Optional.of(m.path("doomedAt").asDouble()) : Optional.empty()));
    }
    return messages;
  }

  /** The journal's entries after {@code since} (0: all it holds). */
  public List<Entry> journal(long since) {
    List<Entry> entries = new ArrayList<>();
    for (JsonNode e : send("GET", "journal?since=" + since, null).path("entries")) {
      entries.add(new Entry(e.path("seq").asLong(), e.path("op").asText(), e.path("by").asText(null),
          e.path("at").asDouble(), e));
    }
    return entries;
  }

  /** What systemd on {@code instanceId} says of {@code unit} from now on (ActiveState, ExecMainStatus, ExecMainCode). */
  public void unit(String instanceId, String unit, Map<String, String> properties) {
    send("PUT", "units/" + instanceId + "/" + unit, new LinkedHashMap<>(properties));
  }

  /** The unit as systemd holds it now, with {@code stoppedBy} once someone stopped it; empty if never registered. */
  public Optional<JsonNode> unit(String instanceId, String unit) {
    JsonNode answer = send("GET", "units/" + instanceId + "/" + unit, null);
    return answer.has("error") ? Optional.empty() : Optional.of(answer);
  }

  private JsonNode send(String method, String path, Object body) {
    try {
      var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 400 && response.statusCode() != 404) {
        throw new IllegalStateException(method + " " + base.resolve(path) + " answered " + response.statusCode()
            + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + base.resolve(path) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
