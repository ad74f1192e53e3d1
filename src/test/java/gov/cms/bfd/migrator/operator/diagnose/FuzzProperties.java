package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzing: the message parser and the status builder under 100,000 generated and mutated bodies each. No
 * exception; an unrecognized body is kept verbatim up to its bound; a status stays within its bound, with every
 * raw body in it within the parser's.
 */
class FuzzProperties {

  static final int TRIES = 100_000;
  private static final Instant NOW = DiagnoserProperties.NOW;
  private static final Settings SETTINGS = SettingsFixtures.defaults("test");
  private static final AtomicLong PARSED = new AtomicLong();
  private static final AtomicLong UNRECOGNIZED = new AtomicLong();
  private static final AtomicLong STATUSES = new AtomicLong();
  private static final AtomicLong BODIES_IN_STATUSES = new AtomicLong();
  private static final AtomicLong LARGEST_STATUS = new AtomicLong();

  private final MessageParserProperties messages = new MessageParserProperties();
  private final DiagnoserProperties observations = new DiagnoserProperties();

  @Property(tries = TRIES)
  void parserTakesAnyBody(@ForAll("fuzzedBodies") String body) {
    var message = MessageParser.parse(new RawMessage("fuzz", body, NOW));

    assertThat(message).isNotNull();
    PARSED.incrementAndGet();
    if (message instanceof Unrecognized u) {
      UNRECOGNIZED.incrementAndGet();
      assertThat(Text.jsonBytes(u.raw())).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES);
      assertThat(body).startsWith(u.raw());
      assertThat(u.truncated()).isEqualTo(body.length() > u.raw().length());
      assertThat(u.why()).isNotBlank();
      assertThat(Text.jsonBytes(u.why())).isLessThanOrEqualTo(MessageParser.MAX_WHY_BYTES);
    }
  }

  @Property(tries = TRIES)
  void statusBuilderTakesAnyQueue(@ForAll("fuzzedObservations") Observation seen) {
    var diagnosis = new Diagnoser().diagnose(seen, SETTINGS, NOW);
    var input = new Input("ns", "test", 1, Map.of(), new Input.Resolved.Valid(SETTINGS), Input.Prior.NONE, NOW);
    var status = new StatusComposer().compose(input, null, seen, diagnosis);

    int bytes = Serialization.asJson(status).getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).isLessThan(DiagnoserProperties.STATUS_BOUND_BYTES);
    STATUSES.incrementAndGet();
    LARGEST_STATUS.accumulateAndGet(bytes, Math::max);
    if (status.queue != null && status.queue.messages != null) {
      BODIES_IN_STATUSES.addAndGet(seen.queue().seenValue()
          .filter(q -> q instanceof QueueState.Present).map(q -> ((QueueState.Present) q).sample().size()).orElse(0));
      status.queue.messages.forEach(m -> {
        if (m.raw != null) {
          assertThat(Text.jsonBytes(m.raw)).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES);
        }
      });
    }
  }

  @AfterContainer
  static void figures() {
    System.out.printf("fuzzing: %,d bodies parsed (%,d unrecognized, kept within %,d bytes); %,d statuses built from "
            + "%,d fuzzed queue bodies, largest %,d bytes (bound %,d)%n", PARSED.get(), UNRECOGNIZED.get(),
        MessageParser.MAX_RAW_BYTES, STATUSES.get(), BODIES_IN_STATUSES.get(), LARGEST_STATUS.get(),
        DiagnoserProperties.STATUS_BOUND_BYTES);
  }

  @Provide
  Arbitrary<String> fuzzedBodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, messages.mutated()),
        Tuple.of(2, messages.bodies()),
        Tuple.of(1, hostileStructures()));
  }

  @Provide
  Arbitrary<Observation> fuzzedObservations() {
    Arbitrary<List<String>> bodies = Arbitraries.frequencyOf(
            Tuple.of(6, messages.mutated()),
            Tuple.of(2, messages.bodies()),
            Tuple.of(1, hostileStructures()))
        .list().ofMaxSize(20);
    return Arbitraries.oneOf(observations.observations(), bodies.map(FuzzProperties::queueOf));
  }

  /** Nesting, long numbers and long strings: what a parser's limits are for. */
  private static Arbitrary<String> hostileStructures() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 5000).map(n -> "[".repeat(n) + "]".repeat(n)),
        Arbitraries.integers().between(1, 5000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
        Arbitraries.integers().between(1, 100_000).map(n -> "{\"pid\":" + "9".repeat(n) + ",\"messageId\":1,\"appStage\":\"Failed\"}"),
        Arbitraries.integers().between(1, 200_000).map(n -> "{\"pid\":\"" + "x".repeat(n) + "\",\"status\":\"2\"}"),
        Arbitraries.strings().withChars('\uD83D', '\uDE00', '"', '\\', '{', '}').ofMaxLength(5000));
  }

  private static Observation queueOf(List<String> bodies) {
    List<RawMessage> sample = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      sample.add(new RawMessage("m-" + i, bodies.get(i), NOW.minus(Duration.ofMinutes(bodies.size() - i))));
    }
    var queue = new QueueState.Present("https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator",
        bodies.size(), 0, 0, sample, false);
    return Observation.basic(NOW, Observed.seen(queue), Observed.seen(List.of()));
  }
}
