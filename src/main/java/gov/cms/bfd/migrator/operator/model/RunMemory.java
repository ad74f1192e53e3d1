package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator knew of the last run when it cleaned up after it (status.lastRun at that moment): a purge removes
 * the run's messages and a termination its instance, so the ledger keeps this with the action, and status still tells
 * the run's verdict once the evidence is gone (S12), until a newer run appears.
 */
public record RunMemory(Optional<Long> pid, Optional<MessageFormat> format, Optional<String> instanceId,
    Optional<Integer> exitStatus, Optional<ExitStatusSource> source, Optional<String> stage,
    Optional<String> migrationFile, Optional<String> schemaVersion, Optional<String> startTime,
    Optional<String> lastProgressTime, Optional<String> stopTime) {

  /** The most bytes (of JSON) kept of each text, as status.lastRun bounds them. */
  public static final int TEXT_BYTES = 256;

  public RunMemory {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(format, "format");
    instanceId = bounded(instanceId);
    Objects.requireNonNull(exitStatus, "exitStatus");
    Objects.requireNonNull(source, "source");
    stage = bounded(stage);
    migrationFile = bounded(migrationFile);
    schemaVersion = bounded(schemaVersion);
    startTime = bounded(startTime);
    lastProgressTime = bounded(lastProgressTime);
    stopTime = bounded(stopTime);
  }

  /** Whether the run is known to have succeeded (exit status 0). */
  public boolean succeeded() {
    return exitStatus.filter(s -> s == 0).isPresent();
  }

  /** "pid 5046 on i-1", or what is known of it. */
  public String label() {
    String who = pid.map(p -> "pid " + p).orElse("the run");
    return who + instanceId.map(i -> " on " + i).orElse("");
  }

  private static Optional<String> bounded(Optional<String> text) {
    return Objects.requireNonNull(text, "text").map(t -> Text.bound(t, TEXT_BYTES));
  }
}
