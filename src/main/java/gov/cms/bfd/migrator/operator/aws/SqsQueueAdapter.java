package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.QueuePort;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@link QueuePort} on SQS. Samples with visibility timeout 0; browses with a short one and releases at once; never
 * deletes.
 */
@ApplicationScoped
public class SqsQueueAdapter implements QueuePort {

  private static final Logger LOG = Logger.getLogger(SqsQueueAdapter.class);

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
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
            QueueAttributeName.REDRIVE_POLICY)).attributes();
      } catch (QueueDoesNotExistException e) {
        throw new QueueGoneException(queueUrl);
      }
    });
    return new Counts(count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED),
        Optional.ofNullable(attributes.get(QueueAttributeName.REDRIVE_POLICY)).filter(p -> !p.isBlank()));
  }

  @Override
  public Browsed browse(AwsTarget target, String queueUrl, int maxMessages, int maxReceives, int waitSeconds,
      int hideSeconds) {
    Map<String, RawMessage> seen = new LinkedHashMap<>();
    List<String> handles = new ArrayList<>();
    boolean drained = false;
    try {
      for (int i = 0; i < maxReceives && !drained && seen.size() < maxMessages; i++) {
        var received = call("sqs", "ReceiveMessage", () -> clients.sqs(target).receiveMessage(b -> b
            .queueUrl(queueUrl)
            .maxNumberOfMessages(10)
            .visibilityTimeout(hideSeconds)
            .waitTimeSeconds(waitSeconds)
            .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages());
        int before = seen.size();
        for (Message m : received) {
          handles.add(m.receiptHandle());
          seen.putIfAbsent(m.messageId(), raw(m));
        }
        drained = seen.size() == before;
      }
    } finally {
      release(target, queueUrl, handles);
    }
    List<RawMessage> messages = new ArrayList<>(seen.values());
    return new Browsed(messages.subList(0, Math.min(maxMessages, messages.size())), drained);
  }

  /**
   * Every received message visible again at once, so the deploy pipeline's next poll sees it. A release that fails
   * leaves the message hidden until its short visibility timeout ends, no longer: nothing is lost.
   */
  private void release(AwsTarget target, String queueUrl, List<String> handles) {
    for (int from = 0; from < handles.size(); from += 10) {
      List<String> batch = handles.subList(from, Math.min(handles.size(), from + 10));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i)).visibilityTimeout(0).build());
      }
      try {
        var answer = call("sqs", "ChangeMessageVisibilityBatch", () -> clients.sqs(target)
            .changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)));
        if (!answer.failed().isEmpty()) {
          LOG.warnf("%s: %d browsed message(s) not made visible again (%s); they reappear when their visibility timeout"
              + " ends", queueUrl, answer.failed().size(), answer.failed().get(0).message());
        }
      } catch (AwsCallException e) {
        LOG.warnf("%s: could not make %d browsed message(s) visible again (%s); they reappear when their visibility"
            + " timeout ends", queueUrl, batch.size(), e.failure().describe());
      }
    }
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
        .messages().stream().map(SqsQueueAdapter::raw).toList());
  }

  private static RawMessage raw(Message m) {
    return new RawMessage(m.messageId(), m.body() == null ? "" : m.body(),
        sentAt(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)));
  }

  private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
    String value = attributes.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static Instant sentAt(String epochMillis) {
    return epochMillis == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(epochMillis));
  }
}
