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

  @Test
  void idleQueueAlreadyConfirmedEmptyCostsOneCallOnceTheUrlIsKnown() {
    var port = new FakeQueue();
    var observer = new QueueObserver(port);
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

    var seen = new QueueObserver(port).observe(TARGET, "bfd-test-migrator", false);

    assertThat(port.calls).containsExactly("GetQueueUrl", "GetQueueAttributes", "ReceiveMessage(wait=1)");
    assertThat(((QueueState.Present) seen.seenValue().orElseThrow()).confirmedEmpty()).isTrue();
  }

  @Test
  void countsThatLagAreCaughtByTheConfirmingReceive() {
    var port = new FakeQueue();
    port.hidden.add(new RawMessage("m-1", "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}", Instant.EPOCH));

    var seen = (QueueState.Present) new QueueObserver(port).observe(TARGET, "bfd-test-migrator", false)
        .seenValue().orElseThrow();

    assertThat(seen.confirmedEmpty()).isFalse();
    assertThat(seen.holdsMessages()).isTrue();
    assertThat(seen.sample()).extracting(RawMessage::sqsMessageId).containsExactly("m-1");
  }

  @Test
  void missingQueueIsAnAnswerNotAFailure() {
    var port = new FakeQueue();
    port.exists = false;

    assertThat(new QueueObserver(port).observe(TARGET, "bfd-test-migrator", false).seenValue().orElseThrow())
        .isEqualTo(new QueueState.Missing("bfd-test-migrator"));
  }

  @Test
  void sampleIsBoundedAndDeduplicated() {
    var port = new FakeQueue();
    for (int i = 0; i < 50; i++) {
      port.visible.add(new RawMessage("m-" + i, "{}", Instant.EPOCH.plusSeconds(i)));
    }

    var seen = (QueueState.Present) new QueueObserver(port).observe(TARGET, "q", true).seenValue().orElseThrow();

    assertThat(seen.sample()).hasSize(QueueObserver.SAMPLE_MAX);
    assertThat(seen.sample().stream().map(RawMessage::sqsMessageId).distinct()).hasSize(QueueObserver.SAMPLE_MAX);
  }

  /** A queue whose visible messages are returned a page at a time, and whose hidden ones counts miss. */
  private static final class FakeQueue implements QueuePort {
    final List<String> calls = new ArrayList<>();
    final List<RawMessage> visible = new ArrayList<>();
    final List<RawMessage> hidden = new ArrayList<>();
    boolean exists = true;
    int page;

    @Override
    public Optional<String> queueUrl(AwsTarget target, String queueName) {
      calls.add("GetQueueUrl");
      return exists ? Optional.of("https://sqs/" + queueName) : Optional.empty();
    }

    @Override
    public Counts counts(AwsTarget target, String queueUrl) {
      calls.add("GetQueueAttributes");
      return new Counts(visible.size(), 0, 0);
    }

    @Override
    public List<RawMessage> peek(AwsTarget target, String queueUrl, int maxMessages, int waitSeconds) {
      calls.add("ReceiveMessage(wait=" + waitSeconds + ")");
      List<RawMessage> all = new ArrayList<>(visible);
      all.addAll(hidden);
      int from = Math.min(all.size(), page * 10);
      page++;
      return all.subList(from, Math.min(all.size(), from + maxMessages));
    }
  }
}
