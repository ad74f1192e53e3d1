package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a whole-queue read made earlier may stand in for: the same queue, unchanged, not long ago. */
class ObservationMemoryTest {

  private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator";
  private static final Instant READ_AT = Instant.parse("2026-11-29T01:00:00Z");
  private static final List<RawMessage> QUEUE = IntStream.range(0, 25)
      .mapToObj(i -> new RawMessage("m" + i, "{\"pid\":4242,\"messageId\":" + i + "}", READ_AT.minusSeconds(600 - i)))
      .toList();

  private final ObservationMemory memory = new ObservationMemory();

  @Test
  void anUnchangedQueueIsDescribedByTheReadUntilItIsTenMinutesOld() {
    memory.rememberBrowse("uid", browsed(QUEUE));

    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(3, 23)), READ_AT.plusSeconds(30)))
        .hasValueSatisfying(b -> assertThat(b.messages()).hasSize(25));
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)),
        READ_AT.plus(ObservationMemory.BROWSE_STANDS_FOR).minusMillis(1))).isPresent();
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)),
        READ_AT.plus(ObservationMemory.BROWSE_STANDS_FOR))).as("ten minutes old").isEmpty();
  }

  @Test
  void aQueueThatShowsAnyChangeIsReadAgain() {
    memory.rememberBrowse("uid", browsed(QUEUE));
    Instant now = READ_AT.plusSeconds(30);
    var newcomer = new RawMessage("m-new", "{\"pid\":4243}", now);

    assertThat(memory.browse("uid", seen(URL, 26, QUEUE.subList(0, 20)), now)).as("counted one more").isEmpty();
    assertThat(memory.browse("uid", seen(URL, 24, QUEUE.subList(0, 20)), now)).as("counted one fewer").isEmpty();
    assertThat(memory.browse("uid", seen(URL, 25, List.of(QUEUE.get(0), newcomer)), now))
        .as("a message the read did not find").isEmpty();
    assertThat(memory.browse("uid", seen(URL, 25, List.of()), now))
        .as("nothing found while the lagging counts still tell of 25: the pipeline may have taken them").isEmpty();
    assertThat(memory.browse("uid", seen(URL + "-other", 25, QUEUE.subList(0, 20)), now)).as("another queue").isEmpty();
    assertThat(memory.browse("other-uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("another resource").isEmpty();
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), READ_AT.minusSeconds(1)))
        .as("a read from the future (a clock set back)").isEmpty();
  }

  @Test
  void aFailedReadAPlanThatNoLongerWaitsAndAGoneResourceForgetIt() {
    Instant now = READ_AT.plusSeconds(30);
    memory.rememberBrowse("uid", browsed(QUEUE));
    var throttled = new AwsFailure("sqs", "ReceiveMessage", AwsFailure.Kind.UNAVAILABLE, "throttled");
    memory.rememberBrowse("uid", Observation.basic(READ_AT, Observed.failed(throttled), Observed.seen(List.of())));
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("failed read").isEmpty();

    memory.rememberBrowse("uid", browsed(QUEUE));
    memory.forgetBrowse("uid");
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("forgotten").isEmpty();

    memory.rememberBrowse("uid", browsed(QUEUE));
    memory.retainOnly(Set.of("another"));
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("resource gone").isEmpty();
  }

  @Test
  void aReadThatMissedMessagesForAPassingReasonIsNotReused() {
    Instant now = READ_AT.plusSeconds(30);
    // The lagging counts still showed the previous read's own message in flight: it asked for approval once.
    memory.rememberBrowse("uid", browsed(QUEUE, new QueueState.Browse(READ_AT, QUEUE.subList(0, 24), true, 25, 1, 0)));
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("in flight").isEmpty();

    memory.rememberBrowse("uid", browsed(QUEUE, new QueueState.Browse(READ_AT, QUEUE.subList(0, 24), true, 25, 0, 0)));
    assertThat(memory.browse("uid", seen(URL, 25, QUEUE.subList(0, 20)), now)).as("fewer than counted").isEmpty();

    List<RawMessage> hundred = IntStream.range(0, 100)
        .mapToObj(i -> new RawMessage("h" + i, "{}", READ_AT.minusSeconds(600))).toList();
    memory.rememberBrowse("uid", browsed(hundred, new QueueState.Browse(READ_AT, hundred, false, 130, 0, 0)));
    assertThat(memory.browse("uid", seen(URL, 130, hundred.subList(0, 20)), now))
        .as("stopped at the most a read keeps: it lasts").isPresent();
  }

  @Test
  void aReadOfMoreThanSixtyFourKibibytesOfMessagesIsNotKept() {
    String large = "x".repeat(ObservationMemory.BROWSE_KEPT_MAX_CHARS / 25 + 1);
    List<RawMessage> queue = QUEUE.stream().map(m -> new RawMessage(m.sqsMessageId(), large, m.sentAt())).toList();
    memory.rememberBrowse("uid", browsed(QUEUE));
    memory.rememberBrowse("uid", browsed(queue));

    assertThat(memory.browse("uid", seen(URL, 25, queue.subList(0, 20)), READ_AT.plusSeconds(30)))
        .as("neither the large read nor the one before it").isEmpty();
  }

  private static Observation browsed(List<RawMessage> whole) {
    return browsed(whole, new QueueState.Browse(READ_AT, whole, true, whole.size(), 0, 0));
  }

  private static Observation browsed(List<RawMessage> whole, QueueState.Browse read) {
    var queue = new QueueState.Present(URL, read.counted(), 0, 0, whole.subList(0, 20), false).withBrowse(read);
    return Observation.basic(READ_AT, Observed.seen(queue), Observed.seen(List.of()));
  }

  private static Observation seen(String url, long counted, List<RawMessage> sample) {
    return Observation.basic(READ_AT, Observed.seen(new QueueState.Present(url, counted, 0, 0, sample, false)),
        Observed.seen(List.of()));
  }
}
