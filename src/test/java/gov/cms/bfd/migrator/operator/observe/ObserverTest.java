package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How old an instances answer may be, given what the queue showed just before. */
class ObserverTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:00:30Z");
  private static final Instant OLDEST = NOW.minusSeconds(30);

  @Test
  void withoutMessagesTheAnswerMayBeOnePollIntervalOld() {
    var empty = Observed.<QueueState>seen(new QueueState.Present("url", 0, 0, 0, List.of(), true));
    assertThat(Observer.answerNotBefore(empty, OLDEST, NOW)).isEqualTo(OLDEST);
    assertThat(Observer.answerNotBefore(Observed.seen(new QueueState.Missing("q")), OLDEST, NOW)).isEqualTo(OLDEST);
    assertThat(Observer.answerNotBefore(Observed.failed(
        new AwsFailure("sqs", "ReceiveMessage", AwsFailure.Kind.UNAVAILABLE, "503")), OLDEST, NOW)).isEqualTo(OLDEST);
  }

  @Test
  void aMessageSentSinceTheOldestAllowedAnswerRequiresAnAnswerFromAfterIt() {
    var queue = Observed.<QueueState>seen(new QueueState.Present("url", 2, 0, 0, List.of(
        new RawMessage("m1", "{}", NOW.minusSeconds(300)), new RawMessage("m2", "{}", NOW.minusSeconds(4))), false));
    assertThat(Observer.answerNotBefore(queue, OLDEST, NOW)).isEqualTo(NOW.minusSeconds(4));
  }

  @Test
  void oldLeftoverMessagesDoNotForceACall() {
    var queue = Observed.<QueueState>seen(new QueueState.Present("url", 1, 0, 0, List.of(
        new RawMessage("m1", "{}", NOW.minusSeconds(3600))), false));
    assertThat(Observer.answerNotBefore(queue, OLDEST, NOW)).isEqualTo(OLDEST);
  }

  @Test
  void aMessageStampedAheadOfOurClockAsksForNothingLaterThanTheQueueRead() {
    var queue = Observed.<QueueState>seen(new QueueState.Present("url", 1, 0, 0, List.of(
        new RawMessage("m1", "{}", NOW.plusSeconds(2))), false));
    assertThat(Observer.answerNotBefore(queue, OLDEST, NOW)).isEqualTo(NOW);
  }
}
