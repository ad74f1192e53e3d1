package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.LogPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@link LogPort} on CloudWatch Logs: the tail of one stream (the instance id), read newest first, page by page. AWS
 * documents that GetLogEvents "can return empty results while there are more log events available through the
 * token", and that the end is the token coming back as it was sent: a page is never the whole answer by itself.
 */
@ApplicationScoped
public class CloudWatchLogAdapter implements LogPort {

  /** Pages read for one tail at most, empty ones included, so a token that never repeats cannot keep a reconcile. */
  static final int MAX_PAGES = 10;

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
        return Optional.of(new LogExcerpt(group, streamName.get(), newest(target, group, streamName.get(), maxLines)));
      } catch (ResourceNotFoundException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * The newest {@code maxLines} events of the stream, oldest first: pages read backwards from the end of the stream,
   * following nextBackwardToken past empty pages, until enough lines, the token repeating (the start of the stream),
   * or {@link #MAX_PAGES}.
   */
  private List<LogExcerpt.Line> newest(AwsTarget target, String group, String stream, int maxLines) {
    List<LogExcerpt.Line> lines = new ArrayList<>();
    String token = null;
    for (int page = 0; page < MAX_PAGES && lines.size() < maxLines; page++) {
      String asked = token;
      int wanted = maxLines - lines.size();
      var answer = clients.logs(target).getLogEvents(b -> {
        b.logGroupName(group).logStreamName(stream).startFromHead(false).limit(wanted);
        if (asked != null) {
          b.nextToken(asked);
        }
      });
      List<LogExcerpt.Line> older = answer.events().stream()
          .map(e -> new LogExcerpt.Line(Instant.ofEpochMilli(e.timestamp()), e.message())).toList();
      lines.addAll(0, older.subList(Math.max(0, older.size() - wanted), older.size()));
      token = answer.nextBackwardToken();
      if (token == null || token.equals(asked)) {
        break;
      }
    }
    return lines;
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
