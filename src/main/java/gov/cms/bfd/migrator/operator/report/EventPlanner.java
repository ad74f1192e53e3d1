package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** Annotations the kubectl plugin sets with spec.suspend: who paused or resumed, and why. */
  public static final String SUSPENDED_BY = "migrator.bfd.cms.gov/suspended-by";
  public static final String SUSPEND_REASON = "migrator.bfd.cms.gov/suspend-reason";
  public static final String RESUMED_BY = "migrator.bfd.cms.gov/resumed-by";
  public static final String RESUME_REASON = "migrator.bfd.cms.gov/resume-reason";

  /** The Events of a change, with who suspended or resumed the resource and why (from its annotations). */
  public static List<PlannedEvent> between(MigratorDeploymentStatus prior, MigratorDeploymentStatus next,
      Map<String, String> annotations) {
    List<PlannedEvent> events = new ArrayList<>();
    boolean wasSuspended = suspended(prior);
    boolean isSuspended = suspended(next);
    if (isSuspended && !wasSuspended) {
      events.add(new PlannedEvent("Normal", "Suspended", "Suspended" + who(annotations, SUSPENDED_BY, SUSPEND_REASON)
          + ": the operator neither observes nor acts until spec.suspend is false."));
    }
    if (wasSuspended && !isSuspended) {
      events.add(new PlannedEvent("Normal", "Resumed", "Resumed" + who(annotations, RESUMED_BY, RESUME_REASON)
          + ": the operator observes and acts again."));
    }
    events.addAll(between(prior, next));
    return events;
  }

  private static boolean suspended(MigratorDeploymentStatus status) {
    return Conditions.find(status == null ? null : status.conditions, ConditionTypes.READY)
        .filter(c -> Reasons.SUSPENDED.equals(c.reason)).isPresent();
  }

  private static String who(Map<String, String> annotations, String byKey, String reasonKey) {
    String by = annotations.get(byKey);
    String reason = annotations.get(reasonKey);
    return (by == null || by.isBlank() ? " (by someone who did not say: kubectl migrator suspend records who)"
        : " by " + Text.bound(by, 256)) + (reason == null || reason.isBlank() ? "" : " (" + Text.bound(reason, 512) + ")");
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
    boolean nothingFound = deployableAfter.filter(c -> Reasons.ENVIRONMENT_NOT_FOUND.equals(c.reason)).isPresent();
    boolean nothingFoundBefore = deployableBefore.filter(c -> Reasons.ENVIRONMENT_NOT_FOUND.equals(c.reason)).isPresent();
    if (nothingFound && !nothingFoundBefore) {
      events.add(new PlannedEvent("Warning", Reasons.ENVIRONMENT_NOT_FOUND, deployableAfter.get().message));
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
