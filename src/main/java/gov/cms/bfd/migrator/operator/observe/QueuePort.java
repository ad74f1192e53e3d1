package gov.cms.bfd.migrator.operator.observe;

import java.util.List;
import java.util.Optional;

/** Reads an SQS queue without consuming it. Never deletes; every method throws {@link AwsCallException}. */
public interface QueuePort {

  /** GetQueueUrl; empty when the queue does not exist. */
  Optional<String> queueUrl(AwsTarget target, String queueName);

  /** GetQueueAttributes: the approximate counts; throws with QueueDoesNotExist as {@link QueueGoneException}. */
  Counts counts(AwsTarget target, String queueUrl);

  /**
   * ReceiveMessage with visibility timeout 0, so every message stays visible to everyone else; waitSeconds 0
   * samples some servers only, waitSeconds >= 1 long-polls all of them.
   */
  List<RawMessage> peek(AwsTarget target, String queueUrl, int maxMessages, int waitSeconds);

  /** The approximate numbers of visible, in-flight and delayed messages. */
  record Counts(long visible, long inFlight, long delayed) {}

  /** The queue was deleted since its URL was looked up. */
  class QueueGoneException extends RuntimeException {
    public QueueGoneException(String queueUrl) {
      super("queue " + queueUrl + " no longer exists");
    }
  }
}
