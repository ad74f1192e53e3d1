package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isTrue;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.unknown;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.DiagnosticCheck;
import gov.cms.bfd.migrator.operator.api.Diagnostics;
import gov.cms.bfd.migrator.operator.api.InstanceStatus;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import gov.cms.bfd.migrator.operator.api.QueueStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RunbookGuidance;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.observe.ConfigCheck;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Maps the prior status and this reconcile's facts to the new status. Pure: composing the same facts twice
 * gives an equal status, so an unchanged environment causes no write.
 */
public class StatusComposer {

  /** The status for a spec that cannot be used, or a suspended resource: nothing is observed for those. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior) {
    List<DesiredCondition> desired;
    if (input.settings() instanceof Input.Resolved.Invalid invalid) {
      desired = invalidSpec(invalid.problem().getMessage());
    } else if (((Input.Resolved.Valid) input.settings()).settings().suspend()) {
      desired = suspended();
    } else {
      throw new IllegalArgumentException("a usable, active spec is composed from an observation");
    }
    // Nothing is planned for a resource that is not observed: plannedActions stay unset.
    MigratorDeploymentStatus next = carried(prior);
    next.observedGeneration = input.generation();
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, desired, input.generation(),
        input.now());
    return next;
  }

  /** The status for an observed and diagnosed environment, before anything is planned. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior, Observation seen,
      Diagnosis diagnosis) {
    return compose(input, prior, seen, diagnosis, Optional.empty(), input.prior().history());
  }

  /** The status for an observed, diagnosed and planned environment, with its action history. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior, Observation seen,
      Diagnosis diagnosis, Optional<Plan> plan, List<ActionRecord> history) {
    MigratorDeploymentStatus next = carried(prior);
    next.history = history.isEmpty() ? null : Histories.to(history);
    next.plannedActions = plan.map(StatusComposer::plannedActions).orElse(null);
    next.planFingerprint = plan.filter(p -> !p.steps().isEmpty()).map(Plan::fingerprint).orElse(null);
    next.observedGeneration = input.generation();
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, diagnosis.conditions(),
        input.generation(), input.now());
    next.failureMode = diagnosis.failureMode().orElse(prior == null ? null : prior.failureMode);
    next.runbook = runbook(diagnosis);
    next.lastRun = LastRuns.of(diagnosis.verdict()).orElse(prior == null ? null : prior.lastRun);
    next.queue = seen.queue().seenValue().map(q -> queue(q, diagnosis)).orElse(prior == null ? null : prior.queue);
    next.instances = seen.instances().seenValue().map(StatusComposer::instances)
        .orElse(prior == null ? null : prior.instances);
    next.diagnostics = diagnostics(seen, diagnosis);
    return next;
  }

  /** Evidence and the record of actions taken are never dropped by a reconcile that did not replace them. */
  private static MigratorDeploymentStatus carried(MigratorDeploymentStatus prior) {
    MigratorDeploymentStatus next = new MigratorDeploymentStatus();
    if (prior != null) {
      next.history = prior.history;
      next.lastRun = prior.lastRun;
    }
    return next;
  }

  private static List<PlannedAction> plannedActions(Plan plan) {
    List<PlannedAction> actions = new ArrayList<>();
    for (Step step : plan.steps()) {
      PlannedAction action = new PlannedAction();
      action.action = step.action();
      action.target = step.target();
      action.reason = step.reason();
      action.state = step.state();
      action.blockedBy = step.blockedBy().orElse(null);
      actions.add(action);
    }
    plan.held().ifPresent(why -> {
      // Shown as a note on an empty plan: why nothing may be done now.
      PlannedAction none = new PlannedAction();
      none.reason = why;
      none.state = gov.cms.bfd.migrator.operator.api.ActionState.Blocked;
      none.blockedBy = why;
      actions.add(none);
    });
    return actions.isEmpty() ? null : actions;
  }

  private static RunbookGuidance runbook(Diagnosis diagnosis) {
    RunbookGuidance guidance = new RunbookGuidance();
    guidance.section = diagnosis.runbook().section();
    guidance.url = diagnosis.runbook().url();
    guidance.nextSteps = diagnosis.runbook().nextSteps();
    return guidance;
  }

  private static QueueStatus queue(QueueState state, Diagnosis diagnosis) {
    QueueStatus queue = new QueueStatus();
    if (state instanceof QueueState.Present present) {
      queue.url = present.url();
      queue.visible = present.visible();
      queue.inFlight = present.inFlight();
      queue.messages = diagnosis.messages().stream().map(QueueMessages::of).toList();
    } else {
      queue.visible = 0L;
      queue.inFlight = 0L;
      queue.messages = List.of();
    }
    return queue;
  }

  private static List<InstanceStatus> instances(List<Instance> instances) {
    return instances.stream().sorted(Comparator.comparing(Instance::launchTime).reversed()).map(i -> {
      InstanceStatus status = new InstanceStatus();
      status.id = i.id();
      status.state = i.state().ec2Name();
      status.launchTime = i.launchTime().toString();
      return status;
    }).toList();
  }

  private static Diagnostics diagnostics(Observation seen, Diagnosis diagnosis) {
    List<DiagnosticCheck> checks = new ArrayList<>();
    seen.checks().seenValue().orElse(List.of()).forEach(c -> checks.add(check(c)));
    seen.checks().failedWith().ifPresent(f -> checks.add(check(new ConfigCheck("Checks", f.action(), false, f.describe()))));
    diagnosis.schemaChecks().forEach(c -> checks.add(check(c)));
    seen.systemd().seenValue().ifPresent(s -> checks.add(check(new ConfigCheck("SystemdState", s.instanceId(),
        s.known(), s.why()))));
    Optional<Diagnostics> fromLog = diagnosis.log().map(log -> {
      Diagnostics d = new Diagnostics();
      var excerpt = seen.log().seenValue().orElseThrow();
      d.logGroup = excerpt.logGroup();
      d.logStream = excerpt.logStream();
      d.logExcerpt = log.excerpt();
      return d;
    });
    if (checks.isEmpty() && fromLog.isEmpty()) {
      return null;
    }
    Diagnostics diagnostics = fromLog.orElseGet(Diagnostics::new);
    diagnostics.checks = checks.isEmpty() ? null : checks;
    return diagnostics;
  }

  private static DiagnosticCheck check(ConfigCheck c) {
    DiagnosticCheck check = new DiagnosticCheck();
    check.name = c.name();
    check.target = c.target();
    check.passed = c.passed();
    check.detail = c.detail();
    return check;
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

  /** Domain conditions are Unknown until something observed them: never a guess. */
  private static List<DesiredCondition> withDomain(List<DesiredCondition> reconcile, String reason, String message) {
    List<DesiredCondition> all = new ArrayList<>(reconcile);
    for (String type : ConditionTypes.DOMAIN) {
      all.add(unknown(type, reason, message));
    }
    return all;
  }
}
