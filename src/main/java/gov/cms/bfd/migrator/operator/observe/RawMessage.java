package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.Objects;

/**
 * One message as SQS returned it, read with visibility timeout 0 (so it stays in the queue): its SQS id,
 * its body exactly as sent, and when SQS received it ({@code SentTimestamp}).
 */
public record RawMessage(String sqsMessageId, String body, Instant sentAt) {
  public RawMessage {
    Objects.requireNonNull(sqsMessageId, "sqsMessageId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(sentAt, "sentAt");
  }
}
