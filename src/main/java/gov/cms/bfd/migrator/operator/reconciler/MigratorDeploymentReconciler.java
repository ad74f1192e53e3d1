package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.act.Executor;
import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.aws.AwsCallMetrics;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Binding;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.EvidenceNeeds;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observer;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.plan.Evidence;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Planner;
import gov.cms.bfd.migrator.operator.plan.Step;
import gov.cms.bfd.migrator.operator.report.EventPlanner;
import gov.cms.bfd.migrator.operator.report.LastRuns;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one class that knows JOSDK: runs the pipeline for one MigratorDeployment and writes its status. Who may act
 * for which environment, and the ledger, come from the MigratorEnvironment it names (an informer of its own).
 */
// Not generation-aware: an approval is an annotation, which does not bump the generation, and is acted on at once.
// The informer keeps each resource without what the operator never reads (CachePruning).
@ControllerConfiguration(name = MigratorDeploymentReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(itemStore = CachePruning.Deployments.class))
public class MigratorDeploymentReconciler implements Reconciler<MigratorDeployment> {

  public static final String NAME = "migratordeployment";
  /** How soon to look again while an SSM command's answer is awaited. */
  static final Duration AWAITING_COMMAND = Duration.ofSeconds(2);
  /** How soon a resource that may not act looks again (an environment's change also wakes it at once). */
  static final Duration NOT_ACTING = Duration.ofMinutes(1);
  /** How long after a purge window's end its verifying reconcile starts (the status write comes in between). */
  static final Duration JUDGE_MARGIN = Duration.ofMillis(200);
  private static final String BY_ENVIRONMENT = "byEnvironment";
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
  private final Environments environments;
  private final ApprovalPolicyWatch approvals;
  private final ObservationMemory memory;
  private final TargetsInUse targets;

  public MigratorDeploymentReconciler(Clock clock, Observer observer, Executor executor, KubernetesEvents events,
      IntentWriter intentWriter, StatusWrites writes, EnvironmentMetrics metrics, Environments environments,
      ApprovalPolicyWatch approvals, ObservationMemory memory, TargetsInUse targets) {
    this.clock = clock;
    this.observer = observer;
    this.executor = executor;
    this.events = events;
    this.intentWriter = intentWriter;
    this.writes = writes;
    this.metrics = metrics;
    this.environments = environments;
    this.approvals = approvals;
    this.memory = memory;
    this.targets = targets;
  }

  /**
   * MigratorEnvironments, cluster-scoped, watched whatever namespaces the controller watches: a change to one
   * reconciles every MigratorDeployment that names it.
   */
  @Override
  public List<EventSource<?, MigratorDeployment>> prepareEventSources(EventSourceContext<MigratorDeployment> context) {
    metrics.readFrom(() -> context.getPrimaryCache().list()); // the per-environment series, read at scrape time
    context.getPrimaryCache().addIndexer(BY_ENVIRONMENT, md -> md.getSpec() == null || md.getSpec().environment == null
        ? List.of() : List.of(md.getSpec().environment));
    var configuration = InformerEventSourceConfiguration.from(MigratorEnvironment.class, MigratorDeployment.class)
        .withWatchAllNamespaces()
        .withFollowControllerNamespacesChanges(false)
        .withItemStore(new CachePruning.Environments())
        .withPrimaryToSecondaryMapper((MigratorDeployment md) -> md.getSpec() == null || md.getSpec().environment == null
            ? Set.of() : Set.of(new ResourceID(md.getSpec().environment)))
        .withSecondaryToPrimaryMapper(environment -> context.getPrimaryCache()
            .byIndex(BY_ENVIRONMENT, environment.getMetadata().getName()).stream()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(configuration, context));
  }

  @Override
  public UpdateControl<MigratorDeployment> reconcile(MigratorDeployment resource, Context<MigratorDeployment> context) {
    long started = System.nanoTime();
    long awsBefore = AwsCallMetrics.nanosWaitedOnThisThread();
    // every log line of this reconcile names the resource (the plain format prints it, JSON has it under "mdc")
    MDC.put("resource", resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName());
    try {
      return pipeline(resource, context);
    } finally {
      MDC.remove("resource");
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started),
          Duration.ofNanos(AwsCallMetrics.nanosWaitedOnThisThread() - awsBefore));
      metrics.retainOnly(() -> {
        var live = context.getPrimaryCache().list().toList();
        Set<String> uids = live.stream().map(r -> ObservationMemory.uid(r.getMetadata().getUid(),
            r.getMetadata().getNamespace(), r.getMetadata().getName())).collect(Collectors.toSet());
        memory.retainOnly(uids);
        targets.retainOnly(uids);
        return live.stream().map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
      });
    }
  }

  private UpdateControl<MigratorDeployment> pipeline(MigratorDeployment resource, Context<MigratorDeployment> context) {
    writes.reconciled(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    var resolution = environments.resolve(resource, context, clock.instant());
    var input = input(resource, resolution);
    if (!(input.settings() instanceof Input.Resolved.Valid valid) || valid.settings().suspend()) {
      var next = input.settings() instanceof Input.Resolved.Valid v ? v.settings().timing().pollInterval() : NOT_ACTING;
      return write(resource, context, composer.compose(input, resource.getStatus(), resolution.ledger()), input)
          .rescheduleAfter(next);
    }
    Settings settings = valid.settings();
    MigratorEnvironment environment = resolution.environment().orElseThrow();
    AwsTarget target = Observer.target(settings, input.namespace(), input.name());
    String uid = ObservationMemory.uid(resource.getMetadata().getUid(), input.namespace(), input.name());
    targets.use(uid, target);
    var seen = observe(input, settings, target);
    var diagnosis = diagnoser.diagnose(seen, settings, input.now());
    var history = executor.verify(input.prior().history(), seen, target, input.now());
    if (!history.equals(input.prior().history())) {
      environment = environments.writeLedger(context, environment, history, input.now());
    }
    var plan = planner.plan(diagnosis, seen, settings, Approval.from(input.annotations()), input.approvals(), history,
        input.now());
    if (plan.wantsBrowse()) {
      // S10: a purge is planned again on the whole queue; what it read becomes the action's evidence.
      var onWholeQueue = planOnWholeQueue(uid, seen, settings, input, history, target);
      seen = onWholeQueue.seen();
      diagnosis = onWholeQueue.diagnosis();
      plan = onWholeQueue.plan();
    } else if (plan.steps().stream().noneMatch(s -> s.action() == ActionType.PurgeQueue)) {
      // Nothing left to purge. A purge that waits for something else (the lagging counts still show the read's own
      // messages in flight, say) keeps the read for when it waits for the read again.
      memory.forgetBrowse(uid);
    }
    var step = plan.next();
    if (step.isPresent()) {
      history = act(resource, context, environment, input, seen, diagnosis, plan, step.get(), history, target);
    }
    announce(resource, input, plan, history);
    var status = composer.compose(input, resource.getStatus(), seen, diagnosis, Optional.of(plan), history);
    Duration took = Duration.between(input.now(), clock.instant());
    Duration next = step.isPresent() || history.stream().anyMatch(ActionRecord::pending)
        ? untilJudgeable(history, input.now(), settings.timing().activePollInterval())
        : fromStart(nextPoll(seen, diagnosis, settings), took);
    LOG.debugf("observed at %s, reconciled in %d ms; next in %d ms", seen.at(), took.toMillis(), next.toMillis());
    return write(resource, context, status, input).rescheduleAfter(next);
  }

  private record Planned(Observation seen, Diagnosis diagnosis, Plan plan) {}

  /**
   * The plan made again on the whole queue: read now, or, while the queue shows no change, on the read this operator
   * made at most ObservationMemory.BROWSE_STANDS_FOR ago, as long as that plan runs nothing (its purge awaits an
   * approval, say). A purge, and any step planned beside it, runs only on a read made in the same reconcile.
   */
  private Planned planOnWholeQueue(String uid, Observation seen, Settings settings, Input input,
      List<ActionRecord> history, AwsTarget target) {
    var remembered = memory.browse(uid, seen, input.now()).map(read -> observer.withBrowse(seen, read));
    if (remembered.isPresent()) {
      var planned = plan(remembered.get(), settings, input, history);
      if (planned.plan().next().isEmpty()) {
        return planned;
      }
    }
    var browsed = observer.browse(seen, target);
    memory.rememberBrowse(uid, browsed);
    return plan(browsed, settings, input, history);
  }

  private Planned plan(Observation seen, Settings settings, Input input, List<ActionRecord> history) {
    var diagnosis = diagnoser.diagnose(seen, settings, input.now());
    return new Planned(seen, diagnosis, planner.plan(diagnosis, seen, settings, Approval.from(input.annotations()),
        input.approvals(), history, input.now()));
  }

  /**
   * Records the intent before the AWS call, twice: in the resource's status with the resourceVersion the reconcile
   * read (a changed spec or a withdrawn approval fails it with 409), then in the environment's ledger with the
   * environment's resourceVersion (the safety record; a concurrent writer fails it). Then the call, its answer in
   * the ledger, and an Event naming the evidence. The outcome is verified by observing on the next reconciles.
   */
  private List<ActionRecord> act(MigratorDeployment resource, Context<MigratorDeployment> context,
      MigratorEnvironment environment, Input input, Observation seen, Diagnosis diagnosis, Plan plan, Step step,
      List<ActionRecord> history, AwsTarget target) {
    // The evidence it removes, and the last run as known now: status keeps telling it after the clean-up (S12).
    var intent = new ActionRecord(input.now(), step.action(), step.target(), ActionOutcome.Pending, step.approvedBy(),
        plan.fingerprint(), "intent recorded before the call", Optional.empty(), Evidence.of(diagnosis),
        LastRuns.toRemember(diagnosis, seen, history));
    var withIntent = new ArrayList<ActionRecord>(List.of(intent));
    withIntent.addAll(history);
    var intentStatus = composer.compose(input, resource.getStatus(), seen, diagnosis, Optional.of(plan), withIntent);
    try {
      intentWriter.write(resource, intentStatus); // 409 if the resource moved on: nothing runs, JOSDK retries
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || !refused(e)) {
        throw e;
      }
      // No intent recorded, so nothing runs; the status write that follows meets the same refusal and says so.
      LOG.warnf("%s/%s: %s not run: the API server refused its intent (HTTP %d)", input.namespace(), input.name(),
          step.action(), e.getCode());
      return history;
    }
    var recorded = environments.writeLedger(context, environment, withIntent, input.now()); // 409: nothing runs
    // Events are cut at 1,024 characters and may fail to be written: the ledger holds the evidence, the Event says where.
    String evidence = intent.evidence().isEmpty() ? ""
        : " Evidence (" + intent.evidence().size() + " message(s)) kept in MigratorEnvironment "
            + environment.getMetadata().getName() + "'s status.ledger, entry of " + intent.time() + ": "
            + intent.evidence().get(0) + (intent.evidence().size() > 1 ? "; ..." : ""); // results come first
    events.emit(resource, new EventPlanner.PlannedEvent("Normal", step.action().name(),
        step.action() + " " + step.target() + step.approvedBy().map(a -> " (approved by " + a + ")").orElse("")
            + ": " + step.reason() + "." + evidence), input.now());
    var after = executor.execute(step, intent, target);
    LOG.infof("%s/%s: %s %s -> %s (%s)", input.namespace(), input.name(), step.action(), step.target(), after.outcome(),
        after.detail());
    if (!after.pending()) {
      metrics.actionFinished(after.action(), after.outcome());
    }
    withIntent.set(0, after);
    environments.writeLedger(context, recorded, withIntent, input.now());
    return List.copyOf(withIntent);
  }

  /** Events for outcomes that changed since the ledger was read, and for an approval that no longer applies. */
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
  private Observation observe(Input input, Settings settings, AwsTarget target) {
    // A running migration's instance is looked at as often as its queue; idle ones share a slower answer.
    Duration interval = input.prior().migrationRunning() ? settings.timing().activePollInterval()
        : settings.timing().pollInterval();
    var seen = observer.observe(settings, target, input.namespace() + "/" + input.name(),
        input.prior().countsSuffice(), interval, input.now());
    EvidenceNeeds done = EvidenceNeeds.NONE;
    for (int round = 0; round < 2; round++) {
      EvidenceNeeds more = diagnoser.needs(seen, settings, input.now()).beyond(done);
      if (!more.any()) {
        break;
      }
      seen = observer.gather(seen, more, settings, target, input.now());
      done = done.plus(more);
    }
    return seen;
  }

  private Input input(MigratorDeployment resource, Environments.Resolution resolution) {
    var meta = resource.getMetadata();
    long generation = meta.getGeneration() == null ? 0 : meta.getGeneration();
    var recalled = memory.recall(ObservationMemory.uid(meta.getUid(), meta.getNamespace(), meta.getName()), generation);
    boolean approvalAsked = Approval.from(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations()).isPresent();
    // The policy is read only where an approval could be acted on; elsewhere its absence changes nothing.
    Input.ApprovalGuard guard = resolution.binding() instanceof Binding.Holds && approvalAsked ? approvals.guard()
        : Input.ApprovalGuard.ENFORCED;
    return Input.of(resource, resolution.binding(), resolution.environment().map(MigratorEnvironment::getSpec),
        resolution.ledger(), recalled.queueConfirmedEmpty(), recalled.migrationRunning(), guard, clock.instant());
  }

  /**
   * Writes the status as a fresh object carrying only identity and status (server-side apply owns status and
   * nothing else), not at all when it equals the current one, and the Events of the change only once it is
   * written. A status the API server refuses is replaced by a minimal one that says so, with Deployable Unknown:
   * an earlier Deployable=True never stands for a status that could not be written.
   */
  private UpdateControl<MigratorDeployment> write(MigratorDeployment resource, Context<MigratorDeployment> context,
      MigratorDeploymentStatus status, Input input) {
    memory.remember(ObservationMemory.uid(resource.getMetadata().getUid(), input.namespace(), input.name()),
        input.generation(), status);
    if (StatusEquality.same(resource.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    try {
      patchStatus(context, resource, status);
    } catch (KubernetesClientException e) {
      if (!refused(e)) {
        throw e; // a conflict or the API server away: JOSDK retries; nothing to tell in status
      }
      if (e.getCode() == 404) {
        return UpdateControl.noUpdate(); // deleted meanwhile
      }
      LOG.warnf("%s/%s: the API server refused the status (HTTP %d: %s); writing a minimal one", input.namespace(),
          input.name(), e.getCode(), e.getMessage());
      var minimal = composer.unwritten(input, resource.getStatus(), status,
          "HTTP " + e.getCode() + ": " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
      if (!StatusEquality.same(resource.getStatus(), minimal)) {
        patchStatus(context, resource, minimal);
        EventPlanner.unwritten(resource.getStatus(), minimal).forEach(ev -> events.emit(resource, ev, input.now()));
      }
      return UpdateControl.noUpdate();
    }
    EventPlanner.between(resource.getStatus(), status, input.annotations())
        .forEach(e -> events.emit(resource, e, input.now()));
    if (status.failureMode != (resource.getStatus() == null ? null : resource.getStatus().failureMode)) {
      LOG.infof("%s/%s: failure mode %s", input.namespace(), input.name(), status.failureMode);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Whether the API server refused a write for what it holds (too large, invalid, forbidden, etcd's size limit,
   * which it reports as 500), rather than failing for a moment (conflict, throttling, unreachable).
   */
  static boolean refused(KubernetesClientException e) {
    int code = e.getCode();
    // No code (0, or fabric8's -1) is no answer: the API server is away, not refusing.
    return code > 0 && code != 408 && code != 409 && code != 429 && code != 502 && code != 503 && code != 504;
  }

  private void patchStatus(Context<MigratorDeployment> context, MigratorDeployment resource,
      MigratorDeploymentStatus status) {
    var fresh = new MigratorDeployment();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(resource.getMetadata().getName())
        .withNamespace(resource.getMetadata().getNamespace())
        .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    context.resourceOperations().resourcePatch(fresh,
        CachePruning.applyStatus(context),
        context.eventSourceRetriever().getControllerEventSource());
    writes.record(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  /**
   * An active poll, or sooner when a pending purge's window ends before it: the purge is verified at the window's end
   * (a moment after it, so that the next reconcile's clock is past it), not up to an active poll later. A window that
   * ended while this reconcile ran (it started too early to judge) is judged at once.
   */
  private Duration untilJudgeable(List<ActionRecord> history, Instant started, Duration activePoll) {
    return executor.purgeJudgeableAt(history, started)
        .map(at -> Duration.between(clock.instant(), at))
        .map(untilThen -> (untilThen.isNegative() ? Duration.ZERO : untilThen).plus(JUDGE_MARGIN))
        .filter(untilThen -> untilThen.compareTo(activePoll) < 0)
        .orElse(activePoll);
  }

  /**
   * The delay after this reconcile that makes the next poll start {@code interval} after this one started, so a
   * poll interval is the time between two looks at AWS, not that plus the reconcile (a Failed message sent just after
   * a look waits one interval, not one interval and two reconciles); at least a fifth of the interval, so reconciles
   * slowed by AWS (throttling, retries) do not follow one another without a pause.
   */
  static Duration fromStart(Duration interval, Duration reconcileTook) {
    Duration rest = interval.minus(reconcileTook);
    Duration least = interval.dividedBy(5);
    return rest.compareTo(least) < 0 ? least : rest;
  }

  private static Duration nextPoll(Observation seen, Diagnosis diagnosis, Settings settings) {
    boolean awaitingCommand = seen.systemd().seenValue().filter(s -> s.awaiting()).isPresent();
    if (awaitingCommand) {
      return AWAITING_COMMAND;
    }
    return diagnosis.active() ? settings.timing().activePollInterval() : settings.timing().pollInterval();
  }
}
