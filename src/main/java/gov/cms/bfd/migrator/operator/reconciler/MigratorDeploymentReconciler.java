package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.act.Executor;
import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.aws.AwsCallMetrics;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.InvalidSpecException;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.observe.EvidenceNeeds;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observer;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.plan.Evidence;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Planner;
import gov.cms.bfd.migrator.operator.plan.Step;
import gov.cms.bfd.migrator.operator.report.Conditions;
import gov.cms.bfd.migrator.operator.report.Histories;
import gov.cms.bfd.migrator.operator.report.EventPlanner;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** The one class that knows JOSDK: runs the pipeline for one MigratorDeployment and writes its status. */
// Not generation-aware: an approval is an annotation, which does not bump the generation, and is acted on at once.
@ControllerConfiguration(name = MigratorDeploymentReconciler.NAME, generationAwareEventProcessing = false)
public class MigratorDeploymentReconciler implements Reconciler<MigratorDeployment> {

  public static final String NAME = "migratordeployment";
  /** How soon to look again while an SSM command's answer is awaited. */
  static final Duration AWAITING_COMMAND = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(MigratorDeploymentReconciler.class);

  private final Clock clock;
  private final Observer observer;
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();
  private final Executor executor;
  private final StatusComposer composer = new StatusComposer();
  private final KubernetesEvents events;
  private final IntentWriter intentWriter;
  private final StatusWrites writes;
  private final EnvironmentMetrics metrics;

  public MigratorDeploymentReconciler(Clock clock, Observer observer, Executor executor, KubernetesEvents events,
      IntentWriter intentWriter, StatusWrites writes, EnvironmentMetrics metrics) {
    this.clock = clock;
    this.observer = observer;
    this.executor = executor;
    this.events = events;
    this.intentWriter = intentWriter;
    this.writes = writes;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<MigratorDeployment> reconcile(MigratorDeployment resource, Context<MigratorDeployment> context) {
    long started = System.nanoTime();
    long awsBefore = AwsCallMetrics.nanosWaitedOnThisThread();
    // every log line of this reconcile names the resource (the plain format prints it, JSON has it under "mdc")
    MDC.put("resource", resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName());
    try {
      return pipeline(resource);
    } finally {
      MDC.remove("resource");
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started),
          Duration.ofNanos(AwsCallMetrics.nanosWaitedOnThisThread() - awsBefore));
      metrics.retainOnly(() -> context.getPrimaryCache().list()
          .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()));
    }
  }

  private UpdateControl<MigratorDeployment> pipeline(MigratorDeployment resource) {
    writes.reconciled(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    var input = input(resource);
    if (!(input.settings() instanceof Input.Resolved.Valid valid) || valid.settings().suspend()) {
      return patchIfChanged(resource, composer.compose(input, resource.getStatus()), input)
          .rescheduleAfter(Duration.ofMinutes(10)); // a spec change triggers a reconcile by itself
    }
    Settings settings = valid.settings();
    var seen = observe(input, settings);
    var diagnosis = diagnoser.diagnose(seen, settings, input.now());
    var history = executor.verify(input.prior().history(), seen, Observer.target(settings), input.now());
    var plan = planner.plan(diagnosis, seen, settings, Approval.from(input.annotations()), history, input.now());
    var step = plan.next();
    if (step.isPresent()) {
      history = act(resource, input, seen, diagnosis, plan, step.get(), history, settings);
    }
    announce(resource, input, plan, history);
    var status = composer.compose(input, resource.getStatus(), seen, diagnosis, Optional.of(plan), history);
    Duration next = step.isPresent() || history.stream().anyMatch(ActionRecord::pending)
        ? settings.timing().activePollInterval() : nextPoll(seen, diagnosis, settings);
    return patchIfChanged(resource, status, input).rescheduleAfter(next);
  }

  /**
   * Records the intent in status (with the evidence, and an Event naming it) before the AWS call, then makes
   * the call; the outcome is verified by observing on the next reconciles.
   */
  private List<ActionRecord> act(MigratorDeployment resource, Input input, Observation seen, Diagnosis diagnosis,
      Plan plan, Step step, List<ActionRecord> history, Settings settings) {
    var intent = new ActionRecord(input.now(), step.action(), step.target(), ActionOutcome.Pending, step.approvedBy(),
        plan.fingerprint(), "intent recorded before the call", Optional.empty(), Evidence.of(diagnosis));
    var withIntent = new ArrayList<ActionRecord>(List.of(intent));
    withIntent.addAll(history);
    var intentStatus = composer.compose(input, resource.getStatus(), seen, diagnosis, Optional.of(plan), withIntent);
    intentWriter.write(resource, intentStatus); // 409 if the resource moved on: nothing runs, JOSDK retries
    String evidence = intent.evidence().isEmpty() ? "" : " Evidence kept in status.history: " + String.join("; ", intent.evidence());
    events.emit(resource, new EventPlanner.PlannedEvent("Normal", step.action().name(),
        step.action() + " " + step.target() + step.approvedBy().map(a -> " (approved by " + a + ")").orElse("")
            + ": " + step.reason() + "." + evidence), input.now());
    var after = executor.execute(step, intent, Observer.target(settings), input.now());
    LOG.infof("%s/%s: %s %s -> %s (%s)", input.namespace(), input.name(), step.action(), step.target(), after.outcome(),
        after.detail());
    if (!after.pending()) {
      metrics.actionFinished(after.action(), after.outcome());
    }
    withIntent.set(0, after);
    return List.copyOf(withIntent);
  }

  /** Events for outcomes that changed since the last status, and for an approval that no longer applies. */
  private void announce(MigratorDeployment resource, Input input, Plan plan, List<ActionRecord> history) {
    for (ActionRecord record : history) {
      boolean wasPending = input.prior().history().stream()
          .anyMatch(r -> r.time().equals(record.time()) && r.action() == record.action() && r.pending());
      if (wasPending && !record.pending()) {
        metrics.actionFinished(record.action(), record.outcome());
        events.emit(resource, new EventPlanner.PlannedEvent(record.outcome() == ActionOutcome.Succeeded ? "Normal" : "Warning",
            record.action() + record.outcome().name(), record.action() + " " + record.target() + ": " + record.outcome()
                + ", " + record.detail() + "."), input.now());
      }
    }
    // Once per stale approval: the previous status already showed this very notice.
    boolean shownBefore = plan.staleApproval().isPresent() && resource.getStatus() != null
        && resource.getStatus().plannedActions != null && resource.getStatus().plannedActions.stream()
            .anyMatch(a -> plan.staleApproval().get().equals(a.blockedBy));
    if (plan.staleApproval().isPresent() && !shownBefore) {
      events.emit(resource, new EventPlanner.PlannedEvent("Warning", "StaleApproval", plan.staleApproval().get() + "."),
          input.now());
    }
  }

  /** Queue and instances, then what the diagnosis asks for; at most two more rounds (exit 1 asks for checks). */
  private Observation observe(Input input, Settings settings) {
    // A running migration's instance is looked at as often as its queue; idle ones share a slower answer.
    Duration interval = input.prior().migrationRunning() ? settings.timing().activePollInterval()
        : settings.timing().pollInterval();
    var seen = observer.observe(settings, input.namespace() + "/" + input.name(), input.prior().queueConfirmedEmpty(),
        interval, input.now());
    EvidenceNeeds done = EvidenceNeeds.NONE;
    for (int round = 0; round < 2; round++) {
      EvidenceNeeds more = diagnoser.needs(seen, settings, input.now()).beyond(done);
      if (!more.any()) {
        break;
      }
      seen = observer.gather(seen, more, settings, input.now());
      done = done.plus(more);
    }
    return seen;
  }

  private Input input(MigratorDeployment resource) {
    var meta = resource.getMetadata();
    Input.Resolved settings;
    try {
      settings = new Input.Resolved.Valid(Settings.from(resource.getSpec()));
    } catch (InvalidSpecException e) {
      settings = new Input.Resolved.Invalid(e);
    }
    var conditions = resource.getStatus() == null ? null : resource.getStatus().conditions;
    var prior = new Input.Prior(
        Conditions.find(conditions, ConditionTypes.QUEUE_EMPTY)
            .filter(c -> "True".equals(c.status) && Reasons.QUEUE_IS_EMPTY.equals(c.reason))
            .filter(c -> Objects.equals(c.observedGeneration, meta.getGeneration()))
            .isPresent(),
        Conditions.find(conditions, ConditionTypes.INSTANCE_ABSENT)
            .filter(c -> Reasons.MIGRATION_IN_PROGRESS.equals(c.reason)).isPresent(),
        Histories.from(resource.getStatus() == null ? null : resource.getStatus().history));
    return new Input(meta.getNamespace(), meta.getName(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(),
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations(),
        settings, prior, clock.instant());
  }

  /** A fresh object carrying only identity and status, so the apply owns status and nothing else. */
  private UpdateControl<MigratorDeployment> patchIfChanged(MigratorDeployment resource,
      MigratorDeploymentStatus status, Input input) {
    metrics.environment(input.namespace(), input.name(), resource.getSpec() == null ? "" : resource.getSpec().environment,
        status);
    if (StatusEquality.same(resource.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    EventPlanner.between(resource.getStatus(), status).forEach(e -> events.emit(resource, e, input.now()));
    var fresh = new MigratorDeployment();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    writes.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    if (status.failureMode != (resource.getStatus() == null ? null : resource.getStatus().failureMode)) {
      LOG.infof("%s/%s: failure mode %s", input.namespace(), input.name(), status.failureMode);
    }
    return UpdateControl.patchStatus(fresh);
  }

  private static Duration nextPoll(Observation seen, Diagnosis diagnosis, Settings settings) {
    boolean awaitingCommand = seen.systemd().seenValue().filter(s -> s.awaiting()).isPresent();
    if (awaitingCommand) {
      return AWAITING_COMMAND;
    }
    return diagnosis.active() ? settings.timing().activePollInterval() : settings.timing().pollInterval();
  }
}
