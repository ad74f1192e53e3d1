package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the evidence says of the most recent migrator run. */
public sealed interface Verdict {

  /** The queue is empty or absent and no migrator instance exists. */
  record Clean() implements Verdict {}

  /** The parts the verdict depends on could not be observed. */
  record Unobserved(List<AwsFailure> failures) implements Verdict {}

  /** Something blocks (an unreadable or in-flight message) but nothing in it tells of a run. */
  record NoEvidence(String what) implements Verdict {}

  /** A migrator is running and made progress recently. */
  record InProgress(Optional<Run> run, Optional<Instance> instance, String detail) implements Verdict {}

  /** A run ended; {@code exitStatus} is empty when no evidence says which status. */
  record Finished(Optional<Run> run, Optional<Instance> instance, Optional<Integer> exitStatus,
      Optional<ExitStatusSource> source, String evidence) implements Verdict {}

  /** A migrator that should be running made no progress for staleAfter, or ran past maxMigrationDuration. */
  record Stalled(Optional<Run> run, Optional<Instance> instance, Duration silentFor, String why) implements Verdict {}

  /** A migrator instance with no run evidence anywhere; {@code why} says what was looked at. */
  record Orphaned(Instance instance, String why) implements Verdict {}
}
