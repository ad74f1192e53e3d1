package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.AppStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.MigrationStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class MessageParserProperties {

  private static final ObjectMapper WRITER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String ID = "7d3c1e0a-5b9f-4e2a-9c61-0e8b7f2d4a13";
  private static final Instant SENT = Instant.parse("2025-09-20T18:03:10.123Z");

  /** A body, and what it should parse to. */
  record Case<T extends MigratorMessage>(String body, T expected) {}

  @Property(tries = 10000)
  void anyBodyGivesAValueThatKeepsTheSqsFacts(@ForAll("bodies") String body, @ForAll String sqsMessageId,
      @ForAll("instants") Instant sentAt) {
    var message = MessageParser.parse(new RawMessage(sqsMessageId, body, sentAt));

    assertThat(message).isNotNull();
    // SQS ids are 36-character UUIDs; anything longer (only a forged message could carry one) is kept to its bound.
    assertThat(message.sqsMessageId()).isEqualTo(Text.bound(sqsMessageId, MigratorMessage.MAX_ID_BYTES));
    if (Text.jsonBytes(sqsMessageId) <= MigratorMessage.MAX_ID_BYTES) {
      assertThat(message.sqsMessageId()).isEqualTo(sqsMessageId);
    }
    assertThat(message.sentAt()).isEqualTo(sentAt);
    keepsTheBodyWithinBounds(body, message);
  }

  @Property(tries = 2000)
  void truncationNeverSplitsASurrogatePair(@ForAll("nearTheLimit") String body) {
    var message = (Unrecognized) parse(body);

    keepsTheBodyWithinBounds(body, message);
    if (message.truncated()) {
      int kept = message.raw().length();
      int next = Text.jsonBytes(body.substring(kept, body.offsetByCodePoints(kept, 1)));
      assertThat(Text.jsonBytes(message.raw()) + next).as("the next code point would not have fitted")
          .isGreaterThan(MessageParser.MAX_RAW_BYTES);
      assertThat(kept > 0 && Character.isHighSurrogate(body.charAt(kept - 1)) && Character.isLowSurrogate(body.charAt(kept)))
          .as("a pair split at %d", kept).isFalse();
    }
  }

  @Property(tries = 10000)
  void wellFormedNativeMessagesParseBack(@ForAll("natives") Case<Native> example) {
    assertThat(parse(example.body())).isEqualTo(example.expected());
  }

  @Property(tries = 10000)
  void wellFormedMonitorMessagesParseBack(@ForAll("monitors") Case<Monitor> example) {
    assertThat(parse(example.body())).isEqualTo(example.expected());
  }

  @Property(tries = 10000)
  void mutatedMessagesNeverThrow(@ForAll("mutated") String body) {
    var message = parse(body);

    assertThat(message).isNotNull();
    keepsTheBodyWithinBounds(body, message);
    Statistics.collect(message.getClass().getSimpleName());
    // Some edits leave a message intact (inside an extra field or a text), most break it: both must be seen.
    Statistics.coverage(coverage -> {
      coverage.check("Unrecognized").percentage(share -> share > 20);
      coverage.check("Native").percentage(share -> share > 1);
      coverage.check("Monitor").percentage(share -> share > 1);
    });
  }

  private static void keepsTheBodyWithinBounds(String body, MigratorMessage message) {
    if (message instanceof Unrecognized unrecognized) {
      assertThat(body).startsWith(unrecognized.raw());
      assertThat(Text.jsonBytes(unrecognized.raw())).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES);
      assertThat(unrecognized.truncated()).isEqualTo(body.length() > unrecognized.raw().length());
      assertThat(unrecognized.why()).isNotBlank();
      assertThat(Text.jsonBytes(unrecognized.why())).isLessThanOrEqualTo(MessageParser.MAX_WHY_BYTES);
    }
  }

  private static MigratorMessage parse(String body) {
    return MessageParser.parse(new RawMessage(ID, body, SENT));
  }

  // Generators.

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(3000),
        Arbitraries.strings().withChars("{}[]\":,\\ 0123456789.eE-+truefalsn").ofMaxLength(200),
        mutated());
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli);
  }

  @Provide
  Arbitrary<String> nearTheLimit() {
    return Arbitraries.strings().withChars('x', '\uD83D', '\uDE00', '\uD800', '\uDFFF')
        .ofMinLength(MessageParser.MAX_RAW_BYTES / 3 - 4).ofMaxLength(MessageParser.MAX_RAW_BYTES + 4);
  }

  @Provide
  Arbitrary<Case<Native>> natives() {
    Arbitrary<Optional<MigrationStage>> migrationStages = Combinators.combine(
            anyText(), anyText().optional(), anyText().optional())
        .as(MigrationStage::new).optional();
    return Combinators.combine(
            Arbitraries.longs().between(1, Long.MAX_VALUE),
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            Arbitraries.of(AppStage.class),
            migrationStages,
            extraFields(Set.of("pid", "messageId", "appStage", "migrationStage"), anyJson()),
            Arbitraries.longs(),
            Arbitraries.of(false, true))
        .as((pid, messageId, stage, migrationStage, extras, seed, pretty) -> {
          var fields = new ArrayList<>(List.of(field("pid", NODES.numberNode(pid)),
              field("messageId", NODES.numberNode(messageId)), field("appStage", NODES.textNode(stage.name()))));
          migrationStage.ifPresent(it -> fields.add(field("migrationStage", toJson(it))));
          fields.addAll(extras.entrySet());
          return new Case<>(write(fields, seed, pretty),
              new Native(ID, SENT, pid, messageId, stage, migrationStage));
        });
  }

  @Provide
  Arbitrary<Case<Monitor>> monitors() {
    // "" and "n/a" are how the script says "no value": see MessageParserTest.
    Arbitrary<Optional<String>> optionalValue = anyText().filter(v -> !v.isEmpty() && !v.equals("n/a")).optional();
    return Combinators.combine(
            anyText(), anyText(), anyText(), optionalValue, optionalValue, optionalValue,
            extraFields(Set.of("pid", "code", "status", "start_time", "stop_time", "schema_version", "appStage"),
                anyText().map(NODES::textNode)),
            Arbitraries.longs())
        .as((pid, code, status, startTime, stopTime, schemaVersion, extras, seed) -> {
          var fields = new ArrayList<>(List.of(field("pid", NODES.textNode(pid)),
              field("code", NODES.textNode(code)), field("status", NODES.textNode(status))));
          startTime.ifPresent(it -> fields.add(field("start_time", NODES.textNode(it))));
          stopTime.ifPresent(it -> fields.add(field("stop_time", NODES.textNode(it))));
          schemaVersion.ifPresent(it -> fields.add(field("schema_version", NODES.textNode(it))));
          fields.addAll(extras.entrySet());
          return new Case<>(write(fields, seed, false),
              new Monitor(ID, SENT, pid, startTime, stopTime, code, status, schemaVersion));
        });
  }

  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<String> valid = Arbitraries.oneOf(natives().map(Case::body), monitors().map(Case::body));
    Arbitrary<Character> characters = Arbitraries.oneOf(
        Arbitraries.chars().with("{}[]\":,\\-.eE0123456789 ntfu"), Arbitraries.chars().all());
    Arbitrary<Edit> edits = Combinators.combine(
            Arbitraries.of(EditKind.class), Arbitraries.integers().greaterOrEqual(0), characters)
        .as(Edit::new);
    return Combinators.combine(valid, edits.list().ofMinSize(1).ofMaxSize(8))
        .as((body, changes) -> {
          var text = new StringBuilder(body);
          changes.forEach(change -> change.applyTo(text));
          return text.toString();
        });
  }

  enum EditKind { DELETE, INSERT, REPLACE }

  /** One character deleted, inserted or replaced, somewhere in the body. */
  record Edit(EditKind kind, int where, char character) {
    void applyTo(StringBuilder text) {
      int at = where % (text.length() + 1);
      switch (kind) {
        case INSERT -> text.insert(at, character);
        case DELETE -> { if (at < text.length()) text.deleteCharAt(at); }
        case REPLACE -> { if (at < text.length()) text.setCharAt(at, character); }
      }
    }
  }

  private static Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("\"\\/{}[]:,\u0000\u001f\n\t ").ofMaxLength(10),
        Arbitraries.of("AfterFile", "V20240528145630581__Add_column.sql", "Mon 2023-03-13 18:00:01 UTC", "0/0"));
  }

  private static Arbitrary<Map<String, JsonNode>> extraFields(Set<String> reserved, Arbitrary<JsonNode> values) {
    return Arbitraries.maps(anyText().filter(name -> !reserved.contains(name)), values).ofMaxSize(4);
  }

  private static Arbitrary<JsonNode> anyJson() {
    Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
        anyText().map(NODES::textNode),
        Arbitraries.longs().map(NODES::numberNode),
        Arbitraries.doubles().map(NODES::numberNode),
        Arbitraries.bigIntegers().map(NODES::numberNode),
        Arbitraries.of(true, false).map(NODES::booleanNode),
        Arbitraries.just(NODES.nullNode()));
    return Arbitraries.oneOf(
        scalars,
        scalars.list().ofMaxSize(3).map(items -> NODES.arrayNode().addAll(items)),
        Arbitraries.maps(anyText(), scalars).ofMaxSize(3).map(items -> NODES.objectNode().setAll(items)));
  }

  private static Map.Entry<String, JsonNode> field(String name, JsonNode value) {
    return Map.entry(name, value);
  }

  private static JsonNode toJson(MigrationStage stage) {
    ObjectNode json = NODES.objectNode().put("stage", stage.stage());
    stage.version().ifPresent(it -> json.put("version", it));
    stage.migrationFile().ifPresent(it -> json.put("migrationFile", it));
    return json;
  }

  private static String write(List<Map.Entry<String, JsonNode>> fields, long seed, boolean pretty) {
    var shuffled = new ArrayList<>(fields);
    Collections.shuffle(shuffled, new Random(seed));
    ObjectNode json = NODES.objectNode();
    shuffled.forEach(field -> json.set(field.getKey(), field.getValue()));
    try {
      return pretty ? WRITER.writerWithDefaultPrettyPrinter().writeValueAsString(json) : WRITER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
