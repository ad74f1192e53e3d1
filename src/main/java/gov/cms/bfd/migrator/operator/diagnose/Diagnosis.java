package gov.cms.bfd.migrator.operator.diagnose;

import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.observe.ConfigCheck;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict on the environment and everything said about it: the failure mode, every condition, the
 * runbook's guidance with real names, the messages and log lines kept as evidence, the schema version check,
 * and whether to poll fast.
 */
public record Diagnosis(
    Verdict verdict,
    List<MigratorMessage> messages,
    Optional<LogReading> log,
    Optional<FailureMode> failureMode,
    List<DesiredCondition> conditions,
    RunbookAdvice runbook,
    boolean active,
    List<ConfigCheck> schemaChecks) {

  public Diagnosis {
    Objects.requireNonNull(verdict, "verdict");
    messages = List.copyOf(messages);
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(failureMode, "failureMode");
    conditions = List.copyOf(conditions);
    Objects.requireNonNull(runbook, "runbook");
    schemaChecks = List.copyOf(schemaChecks);
  }

  /** The same diagnosis with {@code replacement} in place of the condition of its type. */
  public Diagnosis withCondition(DesiredCondition replacement) {
    return new Diagnosis(verdict, messages, log, failureMode, conditions.stream()
        .map(c -> c.type().equals(replacement.type()) ? replacement : c).toList(), runbook, active, schemaChecks);
  }

  /**
   * The same diagnosis under another failure mode (a remembered run's, S12), with that mode's runbook section and
   * address; the steps stay those of what is observed now.
   */
  public Diagnosis withFailureMode(FailureMode mode) {
    RunbookAdvice advice = new RunbookAdvice(Runbook.section(mode), Runbook.url(mode), runbook.steps());
    return new Diagnosis(verdict, messages, log, Optional.of(mode), conditions, advice, active, schemaChecks);
  }

  /** The condition of that type. */
  public DesiredCondition condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }
}
