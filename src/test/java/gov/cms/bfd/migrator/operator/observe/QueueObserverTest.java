package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the queue is read: what it costs when idle, and when the deploy gate is about to open. */
class QueueObserverTest {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());
  private static final String REDRIVE = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:dlq\",\"maxReceiveCount\":3}";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

  @Test
  void idleQueueAlreadyConfirmedEmptyCostsOneCallOnceTheUrlIsKnown() {
    var port = new FakeQueue();
    var observer = new QueueObserver(port, clock);
    observer.observe(TARGET, "bfd-test-migrator", true);
    port.calls.clear();

    var seen = observer.observe(TARGET, "bfd-test-migrator", true);

    assertThat(port.calls).containsExactly("GetQueueAttributes");
    assertThat(seen.seenValue().orElseThrow()).isInstanceOfSatisfying(QueueState.Present.class,
        q -> assertThat(q.confirmedEmpty()).isTrue());
  }

  @Test
  void beforeTheGateOpensALongPollConfirmsTheEmptiness() {
    var port = new FakeQueue();

    var seen = new QueueObserver(port, clock).observe(TARGET, "bfd-test-migrator", false);

    assertThat(port.calls).containsExactly("GetQueueUrl", "GetQueueAttributes", "ReceiveMessage(wait=1)");
    assertThat(((QueueState.Present) seen.seenValue().orElseThrow()).confirmedEmpty()).isTrue();
  }

  @Test
  void countsThatLagAreCaughtByTheConfirmingReceive() {
    var port = new FakeQueue();
    port.hidden.add(new RawMessage("m-1", "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}", Instant.EPOCH));

    var seen = (QueueState.Present) new QueueObserver(port, clock).observe(TARGET, "bfd-test-migrator", false)
        .seenValue().orElseThrow();

    assertThat(seen.confirmedEmpty()).isFalse();
    assertThat(seen.holdsMessages()).isTrue();
    assertThat(seen.sample()).extracting(RawMessage::sqsMessageId).containsExactly("m-1");
  }

  @Test
  void aQueueWithMessagesIsSampledByLongPollsNeverByAShortPollThatReturnsASubset() {
    var port = new FakeQueue();
    port.visible.add(new RawMessage("m-1", "{\"appStage\":\"Started\",\"messageId\":1,\"pid\":5046}", Instant.EPOCH));
    port.visible.add(new RawMessage("m-2", "{\"appStage\":\"Failed\",\"messageId\":2,\"pid\":5046}", Instant.EPOCH));

    var seen = (QueueState.Present) new QueueObserver(port, clock).observe(TARGET, "q", true).seenValue().orElseThrow();

    // In AWS a short poll (wait=0) asks only some servers: the Failed message would come and go between polls.
    assertThat(port.calls).filteredOn(c -> c.startsWith("ReceiveMessage")).isNotEmpty()
        .allMatch(c -> c.equals("ReceiveMessage(wait=" + QueueObserver.SAMPLE_WAIT_SECONDS + ")"));
    assertThat(QueueObserver.SAMPLE_WAIT_SECONDS).isGreaterThanOrEqualTo(1);
    assertThat(seen.sample()).extracting(RawMessage::sqsMessageId).containsExactly("m-1", "m-2");
  }

  @Test
  void theSampleDoesNotStopAtWhatLaggingCountsSay() {
    var port = new FakeQueue();
    port.visible.add(new RawMessage("m-1", "{\"appStage\":\"Started\",\"messageId\":1,\"pid\":7000}", Instant.EPOCH));
    port.visible.add(new RawMessage("m-2", "{\"appStage\":\"Migrating\",\"messageId\":2,\"pid\":7000}", Instant.EPOCH));
    // sent after the moment the counts tell of, and a receive returns fewer messages than the queue holds
    port.hidden.add(new RawMessage("m-3", "{\"appStage\":\"Failed\",\"messageId\":3,\"pid\":7000}", Instant.EPOCH));
    port.perReceive = 2;

    var seen = (QueueState.Present) new QueueObserver(port, clock).observe(TARGET, "q", true).seenValue().orElseThrow();

    assertThat(seen.visible()).isEqualTo(2);
    assertThat(seen.sample()).extracting(RawMessage::sqsMessageId).containsExactly("m-1", "m-2", "m-3");
  }

  @Test
  void missingQueueIsAnAnswerNotAFailure() {
    var port = new FakeQueue();
    port.exists = false;

    assertThat(new QueueObserver(port, clock).observe(TARGET, "bfd-test-migrator", false).seenValue().orElseThrow())
        .isEqualTo(new QueueState.Missing("bfd-test-migrator"));
  }

  @Test
  void sampleIsBoundedAndDeduplicated() {
    var port = new FakeQueue();
    for (int i = 0; i < 50; i++) {
      port.visible.add(new RawMessage("m-" + i, "{}", Instant.EPOCH.plusSeconds(i)));
    }

    var seen = (QueueState.Present) new QueueObserver(port, clock).observe(TARGET, "q", true).seenValue().orElseThrow();

    assertThat(seen.sample()).hasSize(QueueObserver.SAMPLE_MAX);
    assertThat(seen.sample().stream().map(RawMessage::sqsMessageId).distinct()).hasSize(QueueObserver.SAMPLE_MAX);
  }

  @Test
  void aQueueWithARedrivePolicyIsReadByItsCountsOnlyAndNeverReceivedFrom() {
    var port = new FakeQueue();
    port.redrivePolicy = Optional.of(REDRIVE);
    port.visible.add(new RawMessage("m-1", "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}", Instant.EPOCH));

    var seen = (QueueState.Present) new QueueObserver(port, clock).observe(TARGET, "q", false).seenValue().orElseThrow();

    assertThat(port.calls).containsExactly("GetQueueUrl", "GetQueueAttributes");
    assertThat(seen.countsOnly()).isTrue();
    assertThat(seen.sample()).isEmpty();
    assertThat(seen.holdsMessages()).isTrue();
  }

  @Test
  void aCountsOnlyQueueIsEmptyOnlyOnceItsCountsStayedZeroLongerThanTheyLag() {
    var port = new FakeQueue();
    port.redrivePolicy = Optional.of(REDRIVE);
    var observer = new QueueObserver(port, clock);

    var first = (QueueState.Present) observer.observe(TARGET, "q", false).seenValue().orElseThrow();
    clock.advance(QueueObserver.AWS_COUNTS_LAG.minusSeconds(1));
    var notYet = (QueueState.Present) observer.observe(TARGET, "q", false).seenValue().orElseThrow();
    clock.advance(java.time.Duration.ofSeconds(1));
    var then = (QueueState.Present) observer.observe(TARGET, "q", false).seenValue().orElseThrow();

    assertThat(first.confirmedEmpty()).isFalse();
    assertThat(notYet.confirmedEmpty()).isFalse();
    assertThat(then.confirmedEmpty()).isTrue();
    assertThat(port.calls).doesNotContain("ReceiveMessage(wait=1)", "ReceiveMessage(wait=0)");
  }

  @Test
  void theBrowseReadsAsManyMessagesAsCountedAndSaysWhatItCouldNotAccountFor() {
    var port = new FakeQueue();
    for (int i = 0; i < 35; i++) {
      port.visible.add(new RawMessage("m-" + i, "{}", Instant.EPOCH.plusSeconds(i)));
    }
    var observer = new QueueObserver(port, clock);
    var sampled = (QueueState.Present) observer.observe(TARGET, "q", true).seenValue().orElseThrow();

    var browsed = (QueueState.Present) observer.browse(TARGET, sampled).seenValue().orElseThrow();

    assertThat(browsed.browse().orElseThrow().messages()).hasSize(35);
    assertThat(browsed.browse().orElseThrow().complete()).isTrue();
    assertThat(browsed.messages()).hasSize(35);

    port.inFlight = 2;
    var withReader = (QueueState.Present) observer.browse(TARGET, sampled).seenValue().orElseThrow();
    assertThat(withReader.browse().orElseThrow().complete()).isFalse();
    assertThat(withReader.browse().orElseThrow().describe()).contains("2 in flight");
  }

  @Test
  void aBrowseThatStopsBeforeTheQueueRunsDryIsIncompleteWhateverTheCountsSay() {
    var port = new FakeQueue();
    for (int i = 0; i < QueueObserver.BROWSE_MAX + 5; i++) {
      port.visible.add(new RawMessage("m-" + i, "{}", Instant.EPOCH.plusSeconds(i)));
    }
    var observer = new QueueObserver(port, clock);
    var sampled = (QueueState.Present) observer.observe(TARGET, "q", true).seenValue().orElseThrow();

    var browse = ((QueueState.Present) observer.browse(TARGET, sampled).seenValue().orElseThrow()).browse().orElseThrow();

    assertThat(browse.messages()).hasSize(QueueObserver.BROWSE_MAX);
    assertThat(browse.complete()).isFalse();
    assertThat(browse.describe()).contains("stopped before the queue ran dry");
  }

  /** A clock the test moves. */
  static final class MutableClock extends java.time.Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(java.time.Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A queue whose visible messages are returned a page at a time, and whose hidden ones counts miss. */
  private static final class FakeQueue implements QueuePort {
    final List<String> calls = new ArrayList<>();
    final List<RawMessage> visible = new ArrayList<>();
    final List<RawMessage> hidden = new ArrayList<>();
    boolean exists = true;
    Optional<String> redrivePolicy = Optional.empty();
    long inFlight;
    int page;
    int perReceive = 10;

    @Override
    public Optional<String> queueUrl(AwsTarget target, String queueName) {
      calls.add("GetQueueUrl");
      return exists ? Optional.of("https://sqs/" + queueName) : Optional.empty();
    }

    @Override
    public Counts counts(AwsTarget target, String queueUrl) {
      calls.add("GetQueueAttributes");
      return new Counts(visible.size(), inFlight, 0, redrivePolicy);
    }

    @Override
    public Browsed browse(AwsTarget target, String queueUrl, int maxMessages, int maxReceives, int waitSeconds,
        int hideSeconds) {
      calls.add("browse");
      return new Browsed(visible.subList(0, Math.min(visible.size(), maxMessages)), visible.size() <= maxMessages);
    }

    @Override
    public List<RawMessage> peek(AwsTarget target, String queueUrl, int maxMessages, int waitSeconds) {
      calls.add("ReceiveMessage(wait=" + waitSeconds + ")");
      List<RawMessage> all = new ArrayList<>(visible);
      all.addAll(hidden);
      int from = Math.min(all.size(), page * perReceive);
      page++;
      return all.subList(from, Math.min(all.size(), from + Math.min(maxMessages, perReceive)));
    }
  }
}
