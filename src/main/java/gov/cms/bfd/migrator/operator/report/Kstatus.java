package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isTrue;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.ConditionStatus;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.plan.Plan;
import java.util.List;
import java.util.Optional;

/**
 * Ready, Reconciling and Stalled with kstatus's meaning, so Flux, kpt, Config Sync and Argo CD read the runbook's
 * state right: Stalled=True whenever only a person can move the resource on (a runbook failure awaiting a fix or an
 * approval, a switch or cap that blocks a repair, access denied), with the failure mode as reason and the first next
 * step as message; Reconciling=True only while the operator itself makes progress (a migration it follows, a repair
 * it runs or verifies, AWS it retries). A False Reconciling or Stalled says nothing more than its reason: describe
 * shows what matters, not boilerplate. Pure: composed after planning, since who moves a plan on is the plan's.
 */
public final class Kstatus {

  private Kstatus() {}

  public static List<DesiredCondition> conditions(Observation seen, Diagnosis diagnosis, Optional<Plan> plan,
      List<ActionRecord> history, List<String> nextSteps) {
    String first = nextSteps.isEmpty() ? "" : "Next: " + nextSteps.get(0) + " — ";
    List<AwsFailure> failures = seen.failures();
    Optional<AwsFailure> denied = failures.stream().filter(f -> f.kind() == AwsFailure.Kind.ACCESS_DENIED).findFirst();
    if (denied.isPresent()) {
      boolean kms = denied.get().detail().startsWith("Kms") || denied.get().detail().startsWith("KMS");
      String message = kms
          ? "The KMS key of the encrypted queue refuses " + denied.get().action() + " (" + denied.get().detail()
              + "): the key must be enabled and the operator's role may kms:Decrypt it through SQS"
              + " (deploy/iam-policy.json); the operator continues once it can."
          : "The operator's AWS role is denied " + denied.get().action() + " (" + denied.get().detail()
              + "); grant it (deploy/iam-policy.json) and the operator continues.";
      return List.of(isFalse(ConditionTypes.READY, Reasons.ACCESS_DENIED, message),
          isFalse(ConditionTypes.RECONCILING, Reasons.ACCESS_DENIED, ""),
          isTrue(ConditionTypes.STALLED, Reasons.ACCESS_DENIED, message));
    }
    if (!failures.isEmpty()) {
      String message = "AWS did not answer: " + failures.stream().map(AwsFailure::describe)
          .reduce((a, b) -> a + "; " + b).orElseThrow() + ". Retrying.";
      return List.of(isFalse(ConditionTypes.READY, Reasons.AWS_UNAVAILABLE, message),
          isTrue(ConditionTypes.RECONCILING, Reasons.AWS_UNAVAILABLE, message),
          isFalse(ConditionTypes.STALLED, Reasons.AWS_UNAVAILABLE, ""));
    }
    DesiredCondition deployable = diagnosis.conditions().stream()
        .filter(c -> c.type().equals(ConditionTypes.DEPLOYABLE)).findFirst().orElseThrow();
    Optional<ActionRecord> pending = history.stream().filter(ActionRecord::pending).findFirst();
    if (deployable.status() == ConditionStatus.True) {
      DesiredCondition reconciling = pending
          .map(p -> isTrue(ConditionTypes.RECONCILING, Reasons.REMEDIATING, "Verifying " + p.action() + " on "
              + p.target() + " (recorded " + p.time() + ")."))
          .orElse(isFalse(ConditionTypes.RECONCILING, Reasons.OBSERVED, ""));
      // Deployable's reason: ReadyToDeploy, or EnvironmentNotFound when nothing of the environment exists in AWS.
      return List.of(isTrue(ConditionTypes.READY, deployable.reason(), deployable.message()), reconciling,
          isFalse(ConditionTypes.STALLED, Reasons.READY_TO_DEPLOY, ""));
    }
    String reason = diagnosis.failureMode().filter(m -> m != FailureMode.None).map(Enum::name)
        .orElse(deployable.reason());
    if (diagnosis.active()) {
      return List.of(isFalse(ConditionTypes.READY, Reasons.MIGRATION_IN_PROGRESS, deployable.message()),
          isTrue(ConditionTypes.RECONCILING, Reasons.MIGRATION_IN_PROGRESS, "Following the running migration."),
          isFalse(ConditionTypes.STALLED, Reasons.MIGRATION_IN_PROGRESS, ""));
    }
    boolean operatorMoves = pending.isPresent()
        || plan.flatMap(Plan::mover).filter(m -> m == Plan.Mover.OPERATOR).isPresent();
    if (operatorMoves) {
      String what = pending.map(p -> "verifying " + p.action() + " on " + p.target())
          .orElseGet(() -> "repairing by itself: " + plan.orElseThrow().steps().get(0).action() + " "
              + plan.orElseThrow().steps().get(0).target());
      return List.of(isFalse(ConditionTypes.READY, reason, deployable.message()),
          isTrue(ConditionTypes.RECONCILING, Reasons.REMEDIATING, "The operator is " + what + "."),
          isFalse(ConditionTypes.STALLED, Reasons.REMEDIATING, ""));
    }
    if (deployable.status() == ConditionStatus.Unknown) {
      return List.of(isFalse(ConditionTypes.READY, deployable.reason(), deployable.message()),
          isTrue(ConditionTypes.RECONCILING, deployable.reason(), deployable.message()),
          isFalse(ConditionTypes.STALLED, deployable.reason(), ""));
    }
    // The first next step first: a condition message is cut past a few hundred bytes.
    String stalled = first + deployable.message();
    return List.of(isFalse(ConditionTypes.READY, reason, deployable.message()),
        isFalse(ConditionTypes.RECONCILING, reason, ""),
        isTrue(ConditionTypes.STALLED, reason, stalled));
  }
}
