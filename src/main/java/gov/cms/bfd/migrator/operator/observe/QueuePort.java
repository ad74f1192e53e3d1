package gov.cms.bfd.migrator.operator.observe;

import java.util.List;
import java.util.Optional;

/** Reads an SQS queue without consuming it. Never deletes; every method throws {@link AwsCallException}. */
public interface QueuePort {

  /** GetQueueUrl; empty when the queue does not exist. */
  Optional<String> queueUrl(AwsTarget target, String queueName);

  /**
   * GetQueueAttributes: the approximate counts and the redrive policy; throws with QueueDoesNotExist as
   * {@link QueueGoneException}.
   */
  Counts counts(AwsTarget target, String queueUrl);

  /**
   * ReceiveMessage with visibility timeout 0, so every message stays visible to everyone else; waitSeconds 0
   * samples some servers only, waitSeconds >= 1 long-polls all of them.
   */
  List<RawMessage> peek(AwsTarget target, String queueUrl, int maxMessages, int waitSeconds);

  /**
   * Receives until a receive returns nothing new (the queue ran dry: what was received is hidden, so a long poll that
   * finds nothing means nothing else is visible), or {@code maxMessages} were seen, or {@code maxReceives} receives
   * are spent; each long polls for {@code waitSeconds} and hides what it returns for {@code hideSeconds}. Then makes
   * every received message visible again at once (ChangeMessageVisibility 0), also when a receive fails. Counts are
   * not trusted to say when to stop: in AWS they lag.
   */
  Browsed browse(AwsTarget target, String queueUrl, int maxMessages, int maxReceives, int waitSeconds, int hideSeconds);

  /** What a browse read, in the order first seen, and whether it ended on an empty receive (the queue ran dry). */
  record Browsed(List<RawMessage> messages, boolean drained) {
    public Browsed {
      messages = List.copyOf(messages);
    }
  }

  /**
   * The approximate numbers of visible, in-flight and delayed messages, and the queue's RedrivePolicy (its JSON, as
   * SQS returns it) when it has one: then a receive can move a message to the dead-letter queue.
   */
  record Counts(long visible, long inFlight, long delayed, Optional<String> redrivePolicy) {
    public Counts(long visible, long inFlight, long delayed) {
      this(visible, inFlight, delayed, Optional.empty());
    }
  }

  /** The queue was deleted since its URL was looked up. */
  class QueueGoneException extends RuntimeException {
    public QueueGoneException(String queueUrl) {
      super("queue " + queueUrl + " no longer exists");
    }
  }
}
