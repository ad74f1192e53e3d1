package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.LogPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** {@link LogPort} on CloudWatch Logs: the tail of one stream (the instance id), read newest first. */
@ApplicationScoped
public class CloudWatchLogAdapter implements LogPort {

  private final AwsClients clients;

  public CloudWatchLogAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public Optional<LogExcerpt> tail(AwsTarget target, String group, Optional<String> stream, int maxLines) {
    Optional<String> streamName = stream.isPresent() ? stream : latestStream(target, group);
    if (streamName.isEmpty()) {
      return Optional.empty();
    }
    return call("logs", "GetLogEvents", () -> {
      try {
        var events = clients.logs(target).getLogEvents(b -> b.logGroupName(group).logStreamName(streamName.get())
            .startFromHead(false).limit(maxLines)).events();
        return Optional.of(new LogExcerpt(group, streamName.get(), events.stream()
            .map(e -> new LogExcerpt.Line(Instant.ofEpochMilli(e.timestamp()), e.message()))
            .toList()));
      } catch (ResourceNotFoundException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public boolean groupExists(AwsTarget target, String group) {
    // DescribeLogStreams, not DescribeLogGroups: the operator's role already has it for the migrator's groups.
    return call("logs", "DescribeLogStreams", () -> {
      try {
        clients.logs(target).describeLogStreams(b -> b.logGroupName(group).limit(1));
        return true;
      } catch (ResourceNotFoundException e) {
        return false;
      }
    });
  }

  private Optional<String> latestStream(AwsTarget target, String group) {
    return call("logs", "DescribeLogStreams", () -> {
      try {
        return clients.logs(target).describeLogStreams(b -> b.logGroupName(group).orderBy(OrderBy.LAST_EVENT_TIME)
                .descending(true).limit(1))
            .logStreams().stream().findFirst().map(s -> s.logStreamName());
      } catch (ResourceNotFoundException e) {
        return Optional.empty();
      }
    });
  }
}
