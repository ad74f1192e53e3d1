package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Kubernetes Events a status change deserves: a Warning on every transition into a failure mode or
 * into Deployable=False, naming the evidence; a Normal one on recovery; none when nothing changed.
 */
public final class EventPlanner {

  /** Kubernetes keeps at most 1024 characters of an Event message. */
  static final int MAX_MESSAGE = 1024;

  private EventPlanner() {}

  /** One Event to write. */
  public record PlannedEvent(String type, String reason, String message) {
    public PlannedEvent {
      Objects.requireNonNull(type);
      Objects.requireNonNull(reason);
      message = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
    }
  }

  public static List<PlannedEvent> between(MigratorDeploymentStatus prior, MigratorDeploymentStatus next) {
    List<PlannedEvent> events = new ArrayList<>();
    FailureMode before = prior == null ? null : prior.failureMode;
    FailureMode after = next.failureMode;
    Optional<Condition> deployableBefore = Conditions.find(prior == null ? null : prior.conditions, ConditionTypes.DEPLOYABLE);
    Optional<Condition> deployableAfter = Conditions.find(next.conditions, ConditionTypes.DEPLOYABLE);
    String evidence = evidence(next);
    boolean enteredFailure = after != null && after != FailureMode.None && after != before;
    if (enteredFailure) {
      events.add(new PlannedEvent("Warning", after.name(), evidence));
    }
    boolean nowBlocked = deployableAfter.map(c -> "False".equals(c.status)).orElse(false);
    boolean wasBlocked = deployableBefore.map(c -> "False".equals(c.status)).orElse(false);
    if (nowBlocked && !wasBlocked && !enteredFailure) {
      events.add(new PlannedEvent("Warning", "Undeployable", evidence));
    }
    boolean nowDeployable = deployableAfter.map(c -> "True".equals(c.status)).orElse(false);
    if (nowDeployable && wasBlocked) {
      events.add(new PlannedEvent("Normal", "Deployable", deployableAfter.get().message));
    }
    return events;
  }

  /**
   * The one Warning for a status that could not be written, when the minimal status replaces a written one; none
   * while it stays refused, however often the operator tries again.
   */
  public static List<PlannedEvent> unwritten(MigratorDeploymentStatus prior, MigratorDeploymentStatus minimal) {
    boolean alreadyShown = Conditions.find(prior == null ? null : prior.conditions, ConditionTypes.READY)
        .filter(c -> Reasons.STATUS_WRITE_FAILED.equals(c.reason)).isPresent();
    if (alreadyShown) {
      return List.of();
    }
    return List.of(new PlannedEvent("Warning", Reasons.STATUS_WRITE_FAILED,
        Conditions.find(minimal.conditions, ConditionTypes.READY).map(c -> c.message).orElse("")));
  }

  private static String evidence(MigratorDeploymentStatus status) {
    List<String> parts = new ArrayList<>();
    Conditions.find(status.conditions, ConditionTypes.MIGRATION_SUCCEEDED)
        .filter(c -> !"Unknown".equals(c.status)).ifPresent(c -> parts.add(c.message));
    Conditions.find(status.conditions, ConditionTypes.DEPLOYABLE).ifPresent(c -> parts.add(c.message));
    if (status.runbook != null && status.runbook.section != null && !"None".equals(status.runbook.section)) {
      parts.add("Runbook: " + status.runbook.section + " (" + status.runbook.url + ").");
    }
    return String.join(" ", parts);
  }
}
