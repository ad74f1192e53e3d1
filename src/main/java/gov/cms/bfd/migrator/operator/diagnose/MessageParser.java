package gov.cms.bfd.migrator.operator.diagnose;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.AppStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.MigrationStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Interprets queue messages. Pure and total: every body gives a value, and nothing is dropped. */
public final class MessageParser {

  /** The most bytes (of JSON) of an unrecognized body kept in status. */
  public static final int MAX_RAW_BYTES = 512;

  /** The longest body parsed at all: a migrator message is under 1 KiB, while SQS accepts up to 1 MiB. */
  static final int MAX_BODY_CHARS = 64 * 1024;

  /** The longest explanation kept in {@link Unrecognized#why()}. */
  static final int MAX_WHY_BYTES = 200;

  /** The most characters of a field name or value quoted in an explanation. */
  private static final int MAX_QUOTED_CHARS = 40;

  private static final String STAGES =
      Arrays.stream(AppStage.values()).map(Enum::name).collect(Collectors.joining(", "));

  // Both formats are flat or nest two levels, and hold numbers of at most 19 digits; the limits keep a
  // hostile body from costing stack or CPU. Duplicate and trailing content would make the body ambiguous.
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(32)
              .maxNumberLength(64)
              .build())
          // Parse errors quote a few characters of the body at most.
          .errorReportConfiguration(ErrorReportConfiguration.builder()
              .maxErrorTokenLength(MAX_QUOTED_CHARS)
              .maxRawContentLength(0)
              .build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  // The monitor script strips systemd's brackets, so a time not yet known arrives as "n/a"; an empty
  // value is what jq gives when a grep found nothing.
  private static final Set<String> NO_VALUE = Set.of("", "n/a");

  private MessageParser() {}

  /** The message, as native, monitor or unrecognized; never throws. */
  public static MigratorMessage parse(RawMessage message) {
    try {
      ObjectNode json = readObject(message.body());
      if (json.has("appStage")) {
        return toNative(message, json);
      }
      if (json.has("pid") && json.has("code") && json.has("status")) {
        return toMonitor(message, json);
      }
      throw new NotUnderstood(
          "neither the native nor the monitor format: no appStage, and not all of pid, code and status");
    } catch (NotUnderstood e) {
      return unrecognized(message, e.getMessage());
    }
  }

  private static ObjectNode readObject(String body) throws NotUnderstood {
    if (body.isEmpty()) {
      throw new NotUnderstood("empty body");
    }
    if (body.length() > MAX_BODY_CHARS) {
      throw new NotUnderstood("body is %d characters, longer than any migrator message (at most %d are read)"
          .formatted(body.length(), MAX_BODY_CHARS));
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      throw new NotUnderstood("JSON beyond the parser's limits: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new NotUnderstood("not JSON" + at(e.getLocation()) + ": " + shortenQuotes(e.getOriginalMessage()));
    } catch (RuntimeException e) {
      // Totality over tidiness: should Jackson signal some malformed input unchecked, it is still just not JSON.
      throw new NotUnderstood("not JSON: " + e.getClass().getSimpleName());
    }
    if (json == null || json.isMissingNode()) {
      throw new NotUnderstood("no JSON value in the body, only whitespace");
    }
    if (!json.isObject()) {
      throw new NotUnderstood("JSON " + kind(json) + ", not an object");
    }
    return (ObjectNode) json;
  }

  private static Native toNative(RawMessage message, ObjectNode json) throws NotUnderstood {
    try {
      return new Native(message.sqsMessageId(), message.sentAt(),
          integer(json, "pid", 1), integer(json, "messageId", 0), appStage(json), migrationStage(json));
    } catch (NotUnderstood e) {
      throw new NotUnderstood("native format (has appStage), but " + e.getMessage());
    }
  }

  private static AppStage appStage(ObjectNode json) throws NotUnderstood {
    String name = string(json, "appStage");
    return Arrays.stream(AppStage.values())
        .filter(stage -> stage.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NotUnderstood("appStage " + quote(name) + " is not one of " + STAGES));
  }

  private static Optional<MigrationStage> migrationStage(ObjectNode json) throws NotUnderstood {
    JsonNode node = json.get("migrationStage");
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw new NotUnderstood("migrationStage is " + kind(node) + ", not an object");
    }
    ObjectNode stage = (ObjectNode) node;
    try {
      return Optional.of(new MigrationStage(string(stage, "stage"),
          optionalString(stage, "version"), optionalString(stage, "migrationFile")));
    } catch (NotUnderstood e) {
      throw new NotUnderstood("migrationStage." + e.getMessage());
    }
  }

  private static Monitor toMonitor(RawMessage message, ObjectNode json) throws NotUnderstood {
    // The script builds the object with jq from systemctl's text, so every value is a string.
    for (Map.Entry<String, JsonNode> field : json.properties()) {
      if (!field.getValue().isTextual()) {
        throw new NotUnderstood("monitor format (has pid, code and status), but " + quote(field.getKey())
            + " is " + kind(field.getValue()) + ", not a string");
      }
    }
    return new Monitor(message.sqsMessageId(), message.sentAt(), json.get("pid").textValue(),
        valueOf(json, "start_time"), valueOf(json, "stop_time"),
        json.get("code").textValue(), json.get("status").textValue(), valueOf(json, "schema_version"));
  }

  private static Optional<String> valueOf(ObjectNode json, String name) {
    return Optional.ofNullable(json.get(name)).map(JsonNode::textValue).filter(value -> !NO_VALUE.contains(value));
  }

  private static long integer(ObjectNode json, String name, long least) throws NotUnderstood {
    JsonNode node = required(json, name);
    if (!node.isIntegralNumber()) {
      throw new NotUnderstood(name + " is " + kind(node) + ", not an integer");
    }
    if (!node.canConvertToLong()) {
      throw new NotUnderstood(name + " is out of range for a 64-bit integer");
    }
    long value = node.longValue();
    if (value < least) {
      throw new NotUnderstood(name + " is " + value + ", less than " + least);
    }
    return value;
  }

  private static String string(ObjectNode json, String name) throws NotUnderstood {
    JsonNode node = required(json, name);
    if (!node.isTextual()) {
      throw new NotUnderstood(name + " is " + kind(node) + ", not a string");
    }
    return node.textValue();
  }

  // The application's Jackson omits null fields; written anyway, a null optional field means "absent".
  private static Optional<String> optionalString(ObjectNode json, String name) throws NotUnderstood {
    JsonNode node = json.get(name);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(string(json, name));
  }

  private static JsonNode required(ObjectNode json, String name) throws NotUnderstood {
    JsonNode node = json.get(name);
    if (node == null) {
      throw new NotUnderstood(name + " is missing");
    }
    return node;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number with a fraction or exponent";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      default -> node.getNodeType().name().toLowerCase();
    };
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? "" : " at line %d, column %d".formatted(location.getLineNr(), location.getColumnNr());
  }

  // Jackson cuts the tokens it quotes to maxErrorTokenLength, but a duplicate field's name it quotes whole.
  private static String shortenQuotes(String jacksonMessage) {
    String duplicate = "Duplicate field '";
    return jacksonMessage.startsWith(duplicate) && jacksonMessage.endsWith("'")
        ? "Duplicate field " + quote(jacksonMessage.substring(duplicate.length(), jacksonMessage.length() - 1))
        : jacksonMessage;
  }

  private static String quote(String text) {
    String cut = prefix(text, MAX_QUOTED_CHARS);
    return '"' + cut + (cut.length() < text.length() ? "...\"" : "\"");
  }

  private static Unrecognized unrecognized(RawMessage message, String why) {
    String body = message.body();
    String raw = Text.prefix(body, MAX_RAW_BYTES);
    return new Unrecognized(message.sqsMessageId(), message.sentAt(), raw, raw.length() < body.length(),
        Text.bound(why, MAX_WHY_BYTES));
  }

  /** At most {@code max} leading characters of the text, one fewer rather than half a surrogate pair. */
  static String prefix(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) && Character.isLowSurrogate(text.charAt(max))
        ? max - 1 : max;
    return text.substring(0, end);
  }

  /** Why a body is not a message of either format; cheap, as it carries no stack trace. */
  private static final class NotUnderstood extends Exception {
    NotUnderstood(String why) {
      super(why, null, false, false);
    }
  }
}
