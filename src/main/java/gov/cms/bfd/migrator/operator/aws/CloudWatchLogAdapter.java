package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.LogPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@link LogPort} on CloudWatch Logs: the tail of one stream (the instance id), read newest first, page by page until
 * the token repeats.
 */
@ApplicationScoped
public class CloudWatchLogAdapter implements LogPort {

  private final AwsClients clients;

  public CloudWatchLogAdapter(AwsClients clients) {
    this.clients = clients;
  }

  /** Pages read at most for one tail: AWS's empty pages are few; a stream that keeps answering them is not read. */
  static final int MAX_PAGES = 25;

  @Override
  public Optional<LogExcerpt> tail(AwsTarget target, String group, String stream, int maxLines) {
    Optional<String> streamName = Optional.of(stream);
    return call("logs", "GetLogEvents", () -> {
      try {
        List<LogExcerpt.Line> lines = newestLines(token -> {
          var page = clients.logs(target).getLogEvents(b -> b.logGroupName(group).logStreamName(streamName.get())
              .startFromHead(false).limit(maxLines).nextToken(token.orElse(null)));
          return new Page(page.events().stream()
              .map(e -> new LogExcerpt.Line(Instant.ofEpochMilli(e.timestamp()), e.message())).toList(),
              Optional.ofNullable(page.nextBackwardToken()));
        }, maxLines, MAX_PAGES).orElseThrow(() -> emptyPages(group, streamName.get()));
        return Optional.of(new LogExcerpt(group, streamName.get(), lines));
      } catch (ResourceNotFoundException e) {
        return Optional.empty();
      }
    });
  }

  /** One page of GetLogEvents read backwards: its events, oldest first, and the token for the page before it. */
  record Page(List<LogExcerpt.Line> lines, Optional<String> backwardToken) {}

  /**
   * The newest {@code maxLines} events of a stream, read backwards from its end page by page until there are enough or
   * the token repeats (the start of the stream). CloudWatch may answer a page with no events and a new token while
   * older events exist, so an empty page is not the end. Empty when {@code maxPages} pages brought neither.
   */
  static Optional<List<LogExcerpt.Line>> newestLines(Function<Optional<String>, Page> read, int maxLines, int maxPages) {
    Deque<LogExcerpt.Line> lines = new ArrayDeque<>();
    Optional<String> token = Optional.empty();
    for (int pages = 0; pages < maxPages; pages++) {
      Page page = read.apply(token);
      List<LogExcerpt.Line> events = page.lines();
      for (int i = events.size() - 1; i >= 0 && lines.size() < maxLines; i--) {
        lines.addFirst(events.get(i));
      }
      boolean start = page.backwardToken().isEmpty() || page.backwardToken().equals(token);
      if (lines.size() >= maxLines || start) {
        return Optional.of(List.copyOf(lines));
      }
      token = page.backwardToken();
    }
    // Out of pages: what was read is the stream's newest part; nothing read at all is no answer.
    return lines.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(lines));
  }

  /**
   * CloudWatch kept answering empty pages with new tokens: no event read and no sign of the stream's start, so the log
   * is not observed (a retry reads it again), rather than read as empty.
   */
  private static AwsCallException emptyPages(String group, String stream) {
    return new AwsCallException(new AwsFailure("logs", "GetLogEvents", AwsFailure.Kind.UNAVAILABLE, MAX_PAGES
        + " pages of " + group + " stream " + stream + " came back without an event and without reaching the start of"
        + " the stream"), null);
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

}
