package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.QueuePort;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** {@link QueuePort} on SQS. Receives with visibility timeout 0 and never deletes. */
@ApplicationScoped
public class SqsQueueAdapter implements QueuePort {

  private final AwsClients clients;

  public SqsQueueAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public Optional<String> queueUrl(AwsTarget target, String queueName) {
    return call("sqs", "GetQueueUrl", () -> {
      try {
        return Optional.of(clients.sqs(target).getQueueUrl(b -> b.queueName(queueName)).queueUrl());
      } catch (QueueDoesNotExistException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public Counts counts(AwsTarget target, String queueUrl) {
    Map<QueueAttributeName, String> attributes = call("sqs", "GetQueueAttributes", () -> {
      try {
        return clients.sqs(target).getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
      } catch (QueueDoesNotExistException e) {
        throw new QueueGoneException(queueUrl);
      }
    });
    return new Counts(count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
  }

  @Override
  public List<RawMessage> peek(AwsTarget target, String queueUrl, int maxMessages, int waitSeconds) {
    return call("sqs", "ReceiveMessage", () -> clients.sqs(target).receiveMessage(b -> b
            .queueUrl(queueUrl)
            .maxNumberOfMessages(Math.min(10, maxMessages))
            // 0: the message stays visible, so neither the migrator's pipeline nor a person misses it.
            .visibilityTimeout(0)
            .waitTimeSeconds(waitSeconds)
            .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
        .messages().stream()
        .map(m -> new RawMessage(m.messageId(), m.body() == null ? "" : m.body(),
            sentAt(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP))))
        .toList());
  }

  private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
    String value = attributes.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static Instant sentAt(String epochMillis) {
    return epochMillis == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(epochMillis));
  }
}
