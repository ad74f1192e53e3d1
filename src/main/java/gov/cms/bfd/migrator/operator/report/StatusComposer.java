package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.report.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.report.DesiredCondition.isTrue;
import static gov.cms.bfd.migrator.operator.report.DesiredCondition.unknown;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.Input;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the prior status and this reconcile's facts to the new status. Pure: composing the same facts twice
 * gives an equal status, so an unchanged environment causes no write.
 */
public class StatusComposer {

  /** The status for {@code input}, carrying over from {@code prior} what this reconcile does not own. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior) {
    List<DesiredCondition> desired;
    if (input.settings() instanceof Input.Resolved.Invalid invalid) {
      desired = invalidSpec(invalid.problem().getMessage());
    } else if (((Input.Resolved.Valid) input.settings()).settings().suspend()) {
      desired = suspended();
    } else {
      desired = notObservedYet();
    }
    MigratorDeploymentStatus next = new MigratorDeploymentStatus();
    next.observedGeneration = input.generation();
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, desired, input.generation(),
        input.now());
    if (prior != null) {
      // Evidence and the record of actions taken are never dropped by a reconcile that did not replace them.
      next.history = prior.history;
      next.lastRun = prior.lastRun;
    }
    return next;
  }

  private static List<DesiredCondition> invalidSpec(String problem) {
    String message = "The spec cannot be used: " + problem + ". Fix the MigratorDeployment.";
    return withDomain(List.of(
        isFalse(ConditionTypes.READY, Reasons.INVALID_SPEC, message),
        isFalse(ConditionTypes.RECONCILING, Reasons.INVALID_SPEC, "Nothing to do until the spec is fixed."),
        isTrue(ConditionTypes.STALLED, Reasons.INVALID_SPEC, message)),
        Reasons.INVALID_SPEC, "Not observed: the spec cannot be used.");
  }

  private static List<DesiredCondition> suspended() {
    String message = "Suspended: spec.suspend is true, so the operator neither observes nor acts.";
    return withDomain(List.of(
        isFalse(ConditionTypes.READY, Reasons.SUSPENDED, message),
        isFalse(ConditionTypes.RECONCILING, Reasons.SUSPENDED, message),
        isFalse(ConditionTypes.STALLED, Reasons.SUSPENDED, message)),
        Reasons.SUSPENDED, "Not observed while suspended.");
  }

  private static List<DesiredCondition> notObservedYet() {
    return withDomain(List.of(
        isFalse(ConditionTypes.READY, Reasons.NOT_OBSERVED_YET, "AWS has not been observed yet."),
        isTrue(ConditionTypes.RECONCILING, Reasons.NOT_OBSERVED_YET, "Waiting for the first observation of AWS."),
        isFalse(ConditionTypes.STALLED, Reasons.AS_EXPECTED, "Nothing blocks the operator.")),
        Reasons.NOT_OBSERVED_YET, "Not observed yet.");
  }

  /** Domain conditions are Unknown until something observed them: never a guess. */
  private static List<DesiredCondition> withDomain(List<DesiredCondition> reconcile, String reason, String message) {
    List<DesiredCondition> all = new ArrayList<>(reconcile);
    for (String type : ConditionTypes.DOMAIN) {
      all.add(unknown(type, reason, message));
    }
    return all;
  }
}
