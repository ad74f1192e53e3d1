package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isTrue;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.unknown;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.DiagnosticCheck;
import gov.cms.bfd.migrator.operator.api.Diagnostics;
import gov.cms.bfd.migrator.operator.api.InstanceStatus;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.PlannedAction;
import gov.cms.bfd.migrator.operator.api.QueueStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RunbookGuidance;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.LastRun;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.LastRunMemory;
import gov.cms.bfd.migrator.operator.diagnose.Run;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.ConditionStatus;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.observe.ConfigCheck;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Maps the prior status and this reconcile's facts to the new status. Pure: composing the same facts twice
 * gives an equal status, so an unchanged environment causes no write.
 */
public class StatusComposer {

  /*
   * Bounds (bytes of JSON) on what each part of status may hold, so that the whole stays under 64 KiB whatever AWS
   * or a queue message holds (StatusSizeProperties fills every field with its worst value). The evidence itself is
   * bounded where it enters (messages, log lines, AWS errors); these bound what the operator writes around it.
   */
  static final int SENTENCE_BYTES = 512;
  static final int TARGET_BYTES = 320;
  /** A step holds a command to paste, both routes to the instance: long enough never to cut one. */
  static final int STEP_BYTES = 1400;
  static final int MAX_STEPS = 15;
  static final int MAX_INSTANCES = 10;
  static final int MAX_CHECKS = 8;
  static final int MAX_MESSAGES = 10;
  static final int MAX_RUNS = 5;
  static final int MAX_ACTIONS = 5;
  static final int CHECK_DETAIL_BYTES = 384;

  /**
   * The status of a resource that is not observed: its spec cannot be used, it is suspended, its environment does
   * not bind its namespace, or another resource claims the environment. {@code ledger} is the environment's, shown
   * to the resource that holds its claim.
   */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior, List<ActionRecord> ledger) {
    List<DesiredCondition> desired;
    boolean holder = true;
    Input.Resolved resolved = input.settings();
    if (resolved instanceof Input.Resolved.Invalid invalid) {
      desired = invalidSpec(invalid.problem().getMessage());
    } else if (resolved instanceof Input.Resolved.NotBound notBound) {
      desired = stalled(Reasons.ENVIRONMENT_NOT_BOUND, "Not acted on: " + notBound.why() + ".",
          "The operator does nothing for this resource until a cluster admin binds the environment to its namespace.");
      holder = false;
    } else if (resolved instanceof Input.Resolved.Claimed claimed) {
      desired = stalled(Reasons.ENVIRONMENT_CLAIMED, "Not acted on: the MigratorDeployment " + claimed.holder()
          + " manages environment " + claimed.environment() + " (MigratorEnvironment " + claimed.environment()
          + " status.claimedBy).", "Delete this resource, or the holder if this one should manage the environment.");
      holder = false;
    } else if (((Input.Resolved.Valid) resolved).settings().suspend()) {
      desired = suspended();
    } else {
      throw new IllegalArgumentException("a usable, active spec is composed from an observation");
    }
    // Nothing is planned for a resource that is not observed: plannedActions stay unset.
    MigratorDeploymentStatus next = new MigratorDeploymentStatus();
    if (holder) {
      next.history = ledger.isEmpty() ? null : Histories.to(ledger);
      next.lastRun = prior == null ? null : prior.lastRun;
    }
    next.observedGeneration = input.generation();
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, desired, input.generation(),
        input.now());
    return next;
  }

  /**
   * What stands when the API server refused {@code refused} (too large, or invalid): the reason, Deployable Unknown
   * (never an earlier True), and the evidence that fits; the rest is in the next status that can be written.
   */
  public MigratorDeploymentStatus unwritten(Input input, MigratorDeploymentStatus prior,
      MigratorDeploymentStatus refused, String why) {
    String message = "The operator could not write this resource's status (" + why + "); what it observed is in its"
        + " log and Events. Deployable is not known until a status can be written.";
    List<DesiredCondition> desired = new ArrayList<>(List.of(
        isFalse(ConditionTypes.READY, Reasons.STATUS_WRITE_FAILED, message),
        isFalse(ConditionTypes.RECONCILING, Reasons.STATUS_WRITE_FAILED, message),
        isTrue(ConditionTypes.STALLED, Reasons.STATUS_WRITE_FAILED, message)));
    for (String type : ConditionTypes.DOMAIN) {
      desired.add(unknown(type, Reasons.STATUS_WRITE_FAILED, message));
    }
    MigratorDeploymentStatus next = new MigratorDeploymentStatus();
    next.observedGeneration = input.generation();
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, desired, input.generation(),
        input.now());
    next.failureMode = refused.failureMode;
    next.planFingerprint = refused.planFingerprint;
    return next;
  }

  /** The status for an observed and diagnosed environment, before anything is planned. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior, Observation seen,
      Diagnosis diagnosis) {
    return compose(input, prior, seen, diagnosis, Optional.empty(), input.prior().history());
  }

  /** The status for an observed, diagnosed and planned environment, with its action history. */
  public MigratorDeploymentStatus compose(Input input, MigratorDeploymentStatus prior, Observation seen,
      Diagnosis observed, Optional<Plan> plan, List<ActionRecord> history) {
    // S12: what the operator's own clean-up removed is still the last run, until a newer one appears.
    Optional<LastRunMemory.Recalled> recalled = LastRunMemory.recall(observed.verdict(), seen, history)
        .filter(r -> !newerRunShown(prior, r));
    Diagnosis diagnosis = remembering(purging(observed, history), recalled);
    MigratorDeploymentStatus next = carried(prior);
    next.history = history.isEmpty() ? null : Histories.to(history);
    next.plannedActions = plan.map(StatusComposer::plannedActions).orElse(null);
    next.planFingerprint = plan.filter(p -> !p.steps().isEmpty()).map(Plan::fingerprint).orElse(null);
    next.observedGeneration = input.generation();
    next.failureMode = diagnosis.failureMode().orElse(prior == null ? null : prior.failureMode);
    next.lastRun = recalled.map(r -> LastRuns.bean(r.run()))
        .or(() -> LastRuns.of(diagnosis.verdict(), diagnosis.log())).orElse(prior == null ? null : prior.lastRun);
    shownOnce(next.history, next.lastRun);
    Settings settings = ((Input.Resolved.Valid) input.settings()).settings();
    List<String> nextSteps = NextSteps.of(input, settings, seen, diagnosis, plan, history,
        Optional.ofNullable(next.lastRun), recalled);
    next.runbook = runbook(diagnosis, nextSteps);
    List<DesiredCondition> conditions = new ArrayList<>(Kstatus.conditions(seen, diagnosis, plan, history, nextSteps));
    diagnosis.conditions().stream().filter(c -> ConditionTypes.DOMAIN.contains(c.type())).forEach(conditions::add);
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, conditions, input.generation(),
        input.now());
    next.queue = seen.queue().seenValue().map(q -> queue(q, diagnosis)).orElse(prior == null ? null : prior.queue);
    next.instances = seen.instances().seenValue().map(StatusComposer::instances)
        .orElse(prior == null ? null : prior.instances);
    next.diagnostics = diagnostics(seen, diagnosis);
    return next;
  }

  /**
   * A history entry's run that is status.lastRun is shown there only (kubectl describe printed it twice); the ledger
   * on the MigratorEnvironment keeps it with the entry.
   */
  private static void shownOnce(List<HistoryEntry> history, LastRun lastRun) {
    if (history == null || lastRun == null) {
      return;
    }
    JsonNode shown = Serialization.jsonMapper().valueToTree(lastRun);
    history.stream().filter(e -> e.run != null && shown.equals(Serialization.jsonMapper().valueToTree(e.run)))
        .forEach(e -> e.run = null);
  }

  /**
   * Not deployable while a purge is pending, even once the queue reads empty: AWS deletes what is sent up to 60
   * seconds after a purge, so a deployment launched then could lose its first messages and wait forever. Only a
   * Deployable that would be True is replaced; False or Unknown keep their own reason (what blocks, what AWS did not
   * answer).
   */
  static Diagnosis purging(Diagnosis diagnosis, List<ActionRecord> history) {
    if (diagnosis.condition(ConditionTypes.DEPLOYABLE).status() != ConditionStatus.True) {
      return diagnosis;
    }
    return history.stream().filter(r -> r.pending() && r.action() == ActionType.PurgeQueue).findFirst()
        .map(p -> diagnosis.withCondition(isFalse(ConditionTypes.DEPLOYABLE, Reasons.PURGE_IN_PROGRESS,
            "Not deployable yet: the purge of " + p.target() + " recorded at " + p.time() + " is not verified, and AWS"
                + " deletes messages sent up to 60 seconds after a purge; a deployment launched now could lose its"
                + " first messages.")))
        .orElse(diagnosis);
  }

  /**
   * The diagnosis with a remembered run's verdict (S12): MigrationSucceeded as it was, and a failed run's failure mode
   * (its cause still needs a fix) with that mode's runbook section.
   */
  static Diagnosis remembering(Diagnosis diagnosis, Optional<LastRunMemory.Recalled> recalled) {
    if (recalled.isEmpty()) {
      return diagnosis;
    }
    Diagnosis remembered = diagnosis.withCondition(LastRunMemory.condition(recalled.get()));
    Optional<FailureMode> mode = LastRunMemory.failureMode(recalled.get());
    return mode.map(remembered::withFailureMode).orElse(remembered);
  }

  /**
   * Whether status already showed a run newer than the remembered one (its last progress after the clean-up): a run
   * that came and went while the operator watched is not forgotten for an older one.
   */
  static boolean newerRunShown(MigratorDeploymentStatus prior, LastRunMemory.Recalled recalled) {
    if (prior == null || prior.lastRun == null || prior.lastRun.lastProgressTime == null) {
      return false;
    }
    try {
      return Instant.parse(prior.lastRun.lastProgressTime).isAfter(recalled.cleanUp().time());
    } catch (RuntimeException unparsable) {
      return false;
    }
  }

  /** The last run is never dropped by a reconcile that did not replace it. */
  private static MigratorDeploymentStatus carried(MigratorDeploymentStatus prior) {
    MigratorDeploymentStatus next = new MigratorDeploymentStatus();
    if (prior != null) {
      next.lastRun = prior.lastRun;
    }
    return next;
  }

  private static List<PlannedAction> plannedActions(Plan plan) {
    List<PlannedAction> actions = new ArrayList<>();
    // The steps run in order, one at a time: the first few are what matters now (a region full of lingering
    // instances would otherwise list a stop for each).
    for (Step step : plan.steps().stream().limit(MAX_ACTIONS).toList()) {
      PlannedAction action = new PlannedAction();
      action.action = step.action();
      action.target = Text.bound(step.target(), TARGET_BYTES);
      action.reason = Text.bound(step.reason(), SENTENCE_BYTES);
      action.state = step.state();
      action.blockedBy = step.blockedBy().map(b -> Text.bound(b, SENTENCE_BYTES)).orElse(null);
      actions.add(action);
    }
    plan.held().ifPresent(why -> {
      // Shown as a note on an empty plan: why nothing may be done now.
      PlannedAction none = new PlannedAction();
      none.reason = Text.bound(why, SENTENCE_BYTES);
      none.state = gov.cms.bfd.migrator.operator.api.ActionState.Blocked;
      none.blockedBy = none.reason;
      actions.add(none);
    });
    return actions.isEmpty() ? null : actions;
  }

  private static RunbookGuidance runbook(Diagnosis diagnosis, List<String> nextSteps) {
    RunbookGuidance guidance = new RunbookGuidance();
    guidance.section = diagnosis.runbook().section();
    guidance.url = diagnosis.runbook().url();
    guidance.nextSteps = nextSteps.stream().limit(MAX_STEPS).map(t -> Text.bound(t, STEP_BYTES)).toList();
    return guidance;
  }

  private static QueueStatus queue(QueueState state, Diagnosis diagnosis) {
    QueueStatus queue = new QueueStatus();
    if (state instanceof QueueState.Present present) {
      queue.url = present.url();
      queue.visible = present.visible();
      queue.inFlight = present.inFlight();
      queue.runs = Run.of(diagnosis.messages()).stream().sorted(Comparator.comparing(Run::lastSentAt).reversed())
          .limit(MAX_RUNS).map(QueueMessages::summary).toList();
      // Progress and heartbeats are in runs; what ends a run, and what nobody could read, is kept whole.
      queue.messages = diagnosis.messages().stream().filter(QueueMessages::isEvidence).limit(MAX_MESSAGES)
          .map(QueueMessages::of).toList();
    } else {
      queue.visible = 0L;
      queue.inFlight = 0L;
      queue.messages = List.of();
    }
    return queue;
  }

  private static List<InstanceStatus> instances(List<Instance> instances) {
    return instances.stream().sorted(Comparator.comparing(Instance::launchTime).reversed()).limit(MAX_INSTANCES).map(i -> {
      InstanceStatus status = new InstanceStatus();
      status.id = Text.bound(i.id(), 64);
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
      d.logGroup = Text.bound(excerpt.logGroup(), TARGET_BYTES);
      d.logStream = Text.bound(excerpt.logStream(), TARGET_BYTES);
      d.logExcerpt = log.excerpt();
      return d;
    });
    if (checks.isEmpty() && fromLog.isEmpty()) {
      return null;
    }
    Diagnostics diagnostics = fromLog.orElseGet(Diagnostics::new);
    diagnostics.checks = checks.isEmpty() ? null : checks.stream().limit(MAX_CHECKS).toList();
    return diagnostics;
  }

  private static DiagnosticCheck check(ConfigCheck c) {
    DiagnosticCheck check = new DiagnosticCheck();
    check.name = Text.bound(c.name(), 64);
    check.target = Text.bound(c.target(), TARGET_BYTES);
    check.passed = c.passed();
    check.detail = Text.bound(c.detail(), CHECK_DETAIL_BYTES);
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

  private static List<DesiredCondition> stalled(String reason, String message, String next) {
    return withDomain(List.of(
        isFalse(ConditionTypes.READY, reason, message + " " + next),
        isFalse(ConditionTypes.RECONCILING, reason, "Nothing to do until a person acts."),
        isTrue(ConditionTypes.STALLED, reason, message + " " + next)),
        reason, "Not observed: " + message);
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
