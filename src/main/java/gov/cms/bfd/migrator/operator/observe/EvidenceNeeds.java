package gov.cms.bfd.migrator.operator.observe;

import java.util.Optional;

/**
 * What a diagnosis needs beyond the queue and the instances: the log stream to read (named after the run's instance:
 * one stream per instance id), the instance whose systemd state to ask for, the exit-1 configuration checks, the
 * schema version parameter, whether the log group exists (when neither queue nor instance does: a misnamed
 * environment?).
 */
public record EvidenceNeeds(Optional<String> logStream, Optional<String> systemdOf, boolean configChecks,
    boolean schemaVersion, boolean logGroup) {

  public static final EvidenceNeeds NONE = new EvidenceNeeds(Optional.empty(), Optional.empty(), false, false, false);

  public EvidenceNeeds(Optional<String> logStream, Optional<String> systemdOf, boolean configChecks,
      boolean schemaVersion) {
    this(logStream, systemdOf, configChecks, schemaVersion, false);
  }

  public boolean any() {
    return logStream.isPresent() || systemdOf.isPresent() || configChecks || schemaVersion || logGroup;
  }

  /** What this asks for that {@code done} did not already cover. */
  public EvidenceNeeds beyond(EvidenceNeeds done) {
    return new EvidenceNeeds(
        done.logStream.isPresent() ? Optional.empty() : logStream,
        done.systemdOf.isPresent() ? Optional.empty() : systemdOf,
        configChecks && !done.configChecks,
        schemaVersion && !done.schemaVersion,
        logGroup && !done.logGroup);
  }

  public EvidenceNeeds plus(EvidenceNeeds other) {
    return new EvidenceNeeds(logStream.or(() -> other.logStream), systemdOf.or(() -> other.systemdOf),
        configChecks || other.configChecks, schemaVersion || other.schemaVersion, logGroup || other.logGroup);
  }
}
