package gov.cms.bfd.migrator.operator.observe;

import java.util.Optional;

/** Reads the migrator's CloudWatch log. Throws {@link AwsCallException}. */
public interface LogPort {

  /**
   * The last {@code maxLines} events of {@code stream} in {@code group}, or of the stream written to last
   * when no stream is named; empty when the group or stream does not exist.
   */
  Optional<LogExcerpt> tail(AwsTarget target, String group, Optional<String> stream, int maxLines);

  /** Whether the log group exists at all (a group without streams exists). */
  boolean groupExists(AwsTarget target, String group);
}
