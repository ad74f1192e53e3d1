package gov.cms.bfd.migrator.operator.observe;

import java.util.Optional;

/** Reads the migrator's CloudWatch log. Throws {@link AwsCallException}. */
public interface LogPort {

  /**
   * The last {@code maxLines} events of {@code stream} in {@code group} (one stream per instance id: a run's log is its
   * instance's stream, never the one written to last), every page read until the token repeats; empty when the group
   * or stream does not exist.
   */
  Optional<LogExcerpt> tail(AwsTarget target, String group, String stream, int maxLines);

  /** Whether the log group exists at all (a group without streams exists). */
  boolean groupExists(AwsTarget target, String group);
}
