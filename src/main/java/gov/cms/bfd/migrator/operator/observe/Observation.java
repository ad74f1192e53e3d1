package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one reconcile saw of an environment, each part a value, a typed failure, or skipped. The queue and
 * the instances are always looked at; the log, systemd, the configuration checks, the schema version and
 * whether the log group exists only when the diagnosis asks for them ({@link EvidenceNeeds}).
 */
public record Observation(
    Instant at,
    Observed<QueueState> queue,
    Observed<List<Instance>> instances,
    Observed<LogExcerpt> log,
    Observed<SystemdState> systemd,
    Observed<List<ConfigCheck>> checks,
    Observed<Optional<String>> schemaVersion,
    Observed<Boolean> logGroup) {

  public Observation {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(systemd, "systemd");
    Objects.requireNonNull(checks, "checks");
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    Objects.requireNonNull(logGroup, "logGroup");
  }

  /** Queue and instances only; the rest skipped. */
  public static Observation basic(Instant at, Observed<QueueState> queue, Observed<List<Instance>> instances) {
    return new Observation(at, queue, instances, Observed.skipped(), Observed.skipped(), Observed.skipped(),
        Observed.skipped(), Observed.skipped());
  }

  public Observation withQueue(Observed<QueueState> queue) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  public Observation withLog(Observed<LogExcerpt> log) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  public Observation withSystemd(Observed<SystemdState> systemd) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  public Observation withChecks(Observed<List<ConfigCheck>> checks) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  public Observation withSchemaVersion(Observed<Optional<String>> schemaVersion) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  public Observation withLogGroup(Observed<Boolean> logGroup) {
    return new Observation(at, queue, instances, log, systemd, checks, schemaVersion, logGroup);
  }

  /** Every part that failed. */
  public List<AwsFailure> failures() {
    return Stream.of(queue, instances, log, systemd, checks, schemaVersion, logGroup)
        .flatMap(p -> p.failedWith().stream()).toList();
  }
}
