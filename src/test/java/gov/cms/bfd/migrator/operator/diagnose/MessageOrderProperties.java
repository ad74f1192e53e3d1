package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.AppStage;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Monitor;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Native;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage.Unrecognized;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MessageOrderProperties {

  private static final Instant T0 = Instant.parse("2025-09-20T18:00:00Z");

  @Property(tries = 10000)
  void chronologicalIsAPermutationOfTheDedupedInput(@ForAll("queues") List<MigratorMessage> received) {
    assertThat(MessageOrder.chronological(received))
        .containsExactlyInAnyOrderElementsOf(MessageOrder.dedupe(received));
  }

  @Property(tries = 10000)
  void nativeMessagesOfOnePidComeOutInCounterOrder(@ForAll("queues") List<MigratorMessage> received) {
    var runs = MessageOrder.chronological(received).stream()
        .filter(Native.class::isInstance).map(Native.class::cast)
        .collect(Collectors.groupingBy(Native::pid));

    runs.values().forEach(run -> assertThat(run).isSortedAccordingTo(Comparator.comparingLong(Native::messageId)));
  }

  @Property(tries = 10000)
  void otherMessagesComeOutBySentAtAndAMonitorsFinalMessageLast(@ForAll("queues") List<MigratorMessage> received) {
    var others = MessageOrder.chronological(received).stream().filter(m -> !(m instanceof Native)).toList();

    assertThat(others).isSortedAccordingTo(Comparator.comparing(MigratorMessage::sentAt)
        .thenComparing(m -> m instanceof Monitor monitor && monitor.stopTime().isPresent()));
  }

  @Property(tries = 10000)
  void theOrderReceivedDoesNotMatter(@ForAll("queues") List<MigratorMessage> received, @ForAll long seed) {
    var shuffled = new ArrayList<>(received);
    Collections.shuffle(shuffled, new Random(seed));

    assertThat(MessageOrder.chronological(shuffled)).isEqualTo(MessageOrder.chronological(received));
  }

  @Property(tries = 10000)
  void dedupeLeavesEachSqsMessageIdOnce(@ForAll("queues") List<MigratorMessage> received) {
    var deduped = MessageOrder.dedupe(received);

    assertThat(deduped).extracting(MigratorMessage::sqsMessageId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(received.stream().map(MigratorMessage::sqsMessageId).distinct().toList());
    assertThat(MessageOrder.dedupe(deduped)).isEqualTo(deduped);
  }

  /** Messages with distinct SQS ids and close timestamps, some received twice, in any order. */
  @Provide
  Arbitrary<List<MigratorMessage>> queues() {
    Arbitrary<Function<String, MigratorMessage>> messages = Arbitraries.oneOf(natives(), monitors(), unrecognized());
    return Combinators.combine(messages.list().ofMaxSize(25), Arbitraries.integers().between(0, 24).list()
            .ofMaxSize(5), Arbitraries.longs())
        .as((makers, repeats, seed) -> {
          var distinct = new ArrayList<MigratorMessage>();
          for (int i = 0; i < makers.size(); i++) {
            distinct.add(makers.get(i).apply("sqs-" + i));
          }
          var received = new ArrayList<>(distinct);
          repeats.stream().filter(i -> i < distinct.size()).forEach(i -> received.add(distinct.get(i)));
          Collections.shuffle(received, new Random(seed));
          return received;
        });
  }

  private static Arbitrary<Instant> sentAt() {
    return Arbitraries.longs().between(0, 20).map(T0::plusMillis);
  }

  private static Arbitrary<Function<String, MigratorMessage>> natives() {
    return Combinators.combine(sentAt(), Arbitraries.longs().between(1, 3), Arbitraries.longs().between(0, 12),
            Arbitraries.of(AppStage.class))
        .as((sentAt, pid, messageId, stage) -> id -> new Native(id, sentAt, pid, messageId, stage, Optional.empty()));
  }

  private static Arbitrary<Function<String, MigratorMessage>> monitors() {
    return Combinators.combine(sentAt(), Arbitraries.of("4242", "5151"),
            Arbitraries.of("Mon 2023-03-13 18:03:10 UTC").optional())
        .as((sentAt, pid, stopTime) -> id -> new Monitor(id, sentAt, pid, Optional.empty(), stopTime,
            stopTime.isPresent() ? "exited" : "(null)", stopTime.isPresent() ? "0" : "0/0", Optional.empty()));
  }

  private static Arbitrary<Function<String, MigratorMessage>> unrecognized() {
    return sentAt().map(sentAt -> id -> new Unrecognized(id, sentAt, "hello", false, "not JSON"));
  }
}
