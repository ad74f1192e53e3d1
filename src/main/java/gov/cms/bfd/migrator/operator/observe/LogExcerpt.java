package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The tail of the migrator's CloudWatch log stream (one stream per instance id in {@code service.logGroup});
 * {@code lines} are the raw events, newest last, bounded.
 */
public record LogExcerpt(String logGroup, String logStream, List<Line> lines) {

  /** One log event. */
  public record Line(Instant at, String text) {
    public Line {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(text, "text");
    }
  }

  public LogExcerpt {
    Objects.requireNonNull(logGroup, "logGroup");
    Objects.requireNonNull(logStream, "logStream");
    lines = List.copyOf(lines);
  }
}
