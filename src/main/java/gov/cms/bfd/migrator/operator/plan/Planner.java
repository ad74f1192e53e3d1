package gov.cms.bfd.migrator.operator.plan;

import gov.cms.bfd.migrator.operator.model.ActionRecord;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.LastRunMemory;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.diagnose.Run;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.model.GoDuration;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides what the operator may repair now: from the diagnosis, the spec's mode and switches, a person's
 * approval and the action history, the steps with their states. Pure; every safety invariant of DESIGN §4
 * that concerns deciding (S1, S3, S4, S5, S6) is enforced here and proven by properties.
 */
public final class Planner {

  /** AWS accepts one PurgeQueue per queue every 60 seconds. */
  public static final Duration PURGE_SPACING = Duration.ofSeconds(60);
  /** A stop that could not be confirmed is not re-sent at once: a person looks first, or it is tried later. */
  public static final Duration STOP_RETRY = Duration.ofMinutes(10);

  /** A plan whose approvals are guarded by the admission policy. */
  public Plan plan(Diagnosis diagnosis, Observation seen, Settings settings, Optional<Approval> approval,
      List<ActionRecord> history, Instant now) {
    return plan(diagnosis, seen, settings, approval, Input.ApprovalGuard.ENFORCED, history, now);
  }

  public Plan plan(Diagnosis diagnosis, Observation seen, Settings settings, Optional<Approval> approval,
      Input.ApprovalGuard guard, List<ActionRecord> history, Instant now) {
    // S3: nothing on a partial or failed observation.
    if (!seen.failures().isEmpty()) {
      return new Plan(List.of(), fingerprint(List.of(), seen, diagnosis, settings), Optional.of(
          "nothing is planned on an incomplete observation: " + seen.failures().get(0).describe()), Optional.empty());
    }
    if (history.stream().anyMatch(ActionRecord::pending)) {
      ActionRecord pending = history.stream().filter(ActionRecord::pending).findFirst().orElseThrow();
      List<Step> candidates = candidates(diagnosis, seen, settings, history);
      String fingerprint = fingerprint(candidates, seen, diagnosis, settings);
      return new Plan(candidates.stream().map(s -> s.waiting("waits until " + pending.action() + " on " + pending.target()
          + " (recorded " + pending.time() + ") is verified")).toList(), fingerprint, Optional.empty(), Optional.empty());
    }
    List<Step> candidates = candidates(diagnosis, seen, settings, history);
    String fingerprint = fingerprint(candidates, seen, diagnosis, settings);
    Optional<Approval> valid = approval.filter(a -> a.fingerprint().equals(fingerprint))
        .filter(a -> history.stream().noneMatch(r -> r.fingerprint().equals(a.fingerprint()) && r.approvedBy().isPresent()));
    Optional<String> stale = approval.filter(a -> !a.fingerprint().equals(fingerprint))
        .filter(a -> history.stream().noneMatch(r -> r.fingerprint().equals(a.fingerprint())))
        .map(a -> "the approval by " + a.approvedBy() + " names plan " + a.fingerprint() + ", but the plan is now "
            + fingerprint + ": it does nothing");
    List<Step> steps = new ArrayList<>();
    boolean earlierPending = false;
    for (Step candidate : candidates) {
      Step step = gate(candidate, diagnosis, seen, settings, valid, guard, history, now, earlierPending, stale);
      earlierPending = true; // one action at a time, in order: later steps wait for this one
      steps.add(step);
    }
    return new Plan(steps, fingerprint, Optional.empty(), stale);
  }

  // ---- what the runbook would do ------------------------------------------------------------------------

  private static List<Step> candidates(Diagnosis diagnosis, Observation seen, Settings settings,
      List<ActionRecord> history) {
    Verdict verdict = diagnosis.verdict();
    // S4: a migration that is in progress (progress within staleAfter, shorter than maxMigrationDuration) is left alone.
    if (verdict instanceof Verdict.InProgress || verdict instanceof Verdict.Clean || verdict instanceof Verdict.Unobserved) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    Optional<Instance> instance = latestInstance(seen);
    Optional<QueueState.Present> queue = seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(QueueState.Present.class::cast).filter(QueueState.Present::holdsMessages);
    for (Instance running : unconfirmedRunning(seen, history)) {
      steps.add(Step.candidate(ActionType.StopService, running.id() + "/" + settings.serviceUnit(),
          "make sure no migration runs on " + running.id() + " before anything else (runbook step 1): "
              + describe(verdict)));
    }
    queue.ifPresent(q -> steps.add(Step.candidate(ActionType.PurgeQueue, q.url(),
        "the queue blocks the next deployment: " + describe(verdict))));
    // A switch the environment capped still shows its step, blocked, so the cap is visible where it bites.
    boolean terminate = settings.remediation().terminateInstance()
        || settings.remediation().cap("terminateInstance").isPresent();
    if (terminate && instance.isPresent()) {
      steps.add(Step.candidate(ActionType.TerminateInstance, instance.get().id(),
          "migrator instance " + instance.get().id() + " lingers after its run (" + instance.get().state().ec2Name() + ")"));
    }
    return steps;
  }

  private static Step gate(Step step, Diagnosis diagnosis, Observation seen, Settings settings, Optional<Approval> approval,
      Input.ApprovalGuard guard, List<ActionRecord> history, Instant now, boolean earlierPending,
      Optional<String> stale) {
    Settings.Remediation remediation = settings.remediation();
    Optional<Instance> instance = latestInstance(seen);
    switch (step.action()) {
      case StopService -> {
        Optional<String> finding = unstoppable(seen, step.target().split("/", 2)[0], settings);
        if (finding.isPresent()) {
          return step.blocked(finding.get());
        }
        if (!remediation.stopService()) {
          return step.blocked(remediation.cap("stopService").map(c -> c.describe() + ": stop " + settings.serviceUnit()
              + " by hand").orElse("spec.remediation.stopService is false: stop " + settings.serviceUnit() + " by hand"));
        }
        // S4: only a run judged stalled or orphaned (or one that has ended) is stopped.
        if (diagnosis.verdict() instanceof Verdict.InProgress) {
          return step.waiting("the migration is in progress");
        }
        Optional<ActionRecord> lastStop = history.stream()
            .filter(r -> r.action() == ActionType.StopService && r.target().equals(step.target())).findFirst();
        if (lastStop.filter(r -> r.outcome() != ActionOutcome.Succeeded && r.time().plus(STOP_RETRY).isAfter(now)).isPresent()) {
          return step.blocked("the stop at " + lastStop.get().time() + " was " + lastStop.get().outcome() + " ("
              + lastStop.get().detail() + "); check the service by hand, or it is tried again after " + lastStop.get().time().plus(STOP_RETRY));
        }
      }
      case PurgeQueue -> {
        if (!remediation.purgeQueue()) {
          return step.blocked("spec.remediation.purgeQueue is false: purge by hand");
        }
        // S1: no purge while any instance may run, unless its service was confirmed stopped.
        List<Instance> unconfirmed = unconfirmedRunning(seen, history);
        if (!unconfirmed.isEmpty()) {
          // The stop before it (or what blocks that stop) decides who moves this on.
          return step.waiting("instance " + unconfirmed.get(0).id() + " is " + unconfirmed.get(0).state().ec2Name()
              + " and its service is not confirmed stopped");
        }
        Optional<Instant> lastPurge = history.stream().filter(r -> r.action() == ActionType.PurgeQueue)
            .filter(r -> r.target().equals(step.target()) && r.outcome() != ActionOutcome.Failed)
            .map(ActionRecord::time).max(Comparator.naturalOrder());
        if (lastPurge.isPresent() && lastPurge.get().plus(PURGE_SPACING).isAfter(now)) {
          return step.waiting("AWS allows one purge per queue every 60 seconds; the last was at " + lastPurge.get());
        }
        Optional<String> reader = pipelineMayRead(seen, settings, now);
        if (reader.isPresent()) {
          return step.waiting(reader.get());
        }
      }
      case TerminateInstance -> {
        if (!remediation.terminateInstance()) {
          return step.blocked(remediation.cap("terminateInstance").map(c -> c.describe() + ": terminate it by hand")
              .orElse("spec.remediation.terminateInstance is false"));
        }
        if (instance.isEmpty()
            || !(instance.get().state() == Instance.State.stopped || serviceStopped(seen, instance.get(), history))) {
          Optional<String> finding = instance.flatMap(i -> unstoppable(seen, i.id(), settings));
          return finding.map(step::blocked)
              .orElseGet(() -> step.waiting("the service is not confirmed stopped and the instance is not stopped"));
        }
      }
    }
    if (earlierPending) {
      return step.waiting("waits for the step before it");
    }
    if (remediation.mode() == RemediationMode.Observe) {
      return remediation.cap("mode").map(c -> step.observeOnly(c.describe() + ": the operator only plans"))
          .orElseGet(step::observeOnly);
    }
    long lastHour = history.stream().filter(r -> r.time().isAfter(now.minus(Duration.ofHours(1)))).count();
    if (lastHour >= remediation.maxActionsPerHour()) {
      return step.blocked("circuit breaker: " + lastHour + " action(s) in the last hour, spec.remediation.maxActionsPerHour is "
          + remediation.maxActionsPerHour());
    }
    if (step.action() == ActionType.PurgeQueue && !browsed(seen) && partlyRead(seen)) {
      // The sample missed some of the counted messages (in AWS a short poll returns a subset): the verdict, and so
      // whether a person must approve, waits for the whole-queue read.
      return step.waiting(BROWSE_FIRST);
    }
    Optional<String> unrecorded = step.action() == ActionType.PurgeQueue ? unrecorded(seen) : Optional.empty();
    // S11: afterFailure gates a termination as it gates a purge: both remove the evidence of a failed run.
    boolean failureEvidence = switch (step.action()) {
      case PurgeQueue -> removesFailureEvidence(diagnosis);
      case TerminateInstance -> instance.map(i -> holdsFailureEvidence(diagnosis, seen, history, i)).orElse(true);
      case StopService -> false;
    };
    boolean needsApproval = remediation.mode() == RemediationMode.Approve
        || (remediation.afterFailure() == AfterFailure.Approve && failureEvidence)
        || unrecorded.isPresent();
    if (needsApproval) {
      if (approval.isPresent() && guard.enforced()) {
        return browsedFirst(step.approvedBy(approval.get().approvedBy()), seen);
      }
      if (approval.isPresent()) {
        return step.awaitingApproval("the approval by " + approval.get().approvedBy() + " is not acted on: "
            + guard.missing().orElseThrow());
      }
      if (unrecorded.isPresent() && remediation.mode() != RemediationMode.Approve) {
        return step.awaitingApproval(stale.orElse(unrecorded.get() + ": approve status.planFingerprint with the"
            + " annotations migrator.bfd.cms.gov/approve and /approved-by to purge anyway (needs the verb approve:"
            + " the migrator-approver role)"));
      }
      String why = remediation.mode() == RemediationMode.Approve
          ? remediation.cap("mode").map(c -> c.describe()).orElse("spec.remediation.mode is Approve")
              + ": set the annotations migrator.bfd.cms.gov/approve to status.planFingerprint"
              + " and migrator.bfd.cms.gov/approved-by to your user (needs the verb approve: the migrator-approver role)"
          : (step.action() == ActionType.TerminateInstance ? "terminating " + step.target() + " destroys the evidence of a"
              + " failed run on it (its log file, user-data and cloud-init output, which the next steps read) and "
              : "purging removes the evidence of a failed run and ")
              + remediation.cap("afterFailure").map(c -> c.describe()).orElse("spec.remediation.afterFailure is Approve")
              + ": approve status.planFingerprint with the annotations migrator.bfd.cms.gov/approve and /approved-by"
              + " (needs the verb approve: the migrator-approver role)";
      return step.awaitingApproval(stale.orElse(why));
    }
    return browsedFirst(step, seen);
  }

  /** S10: a purge runs only on a plan made after the whole-queue read (the reconciler reads and plans again). */
  private static Step browsedFirst(Step step, Observation seen) {
    return step.action() == ActionType.PurgeQueue && !browsed(seen) ? step.waiting(BROWSE_FIRST) : step;
  }

  /** What a PurgeQueue waits for when only the whole-queue read is missing: the reconciler makes it and plans again. */
  public static final String BROWSE_FIRST = "the whole queue is read and recorded first";

  private static boolean browsed(Observation seen) {
    return present(seen).map(q -> q.countsOnly() || q.browse().isPresent()).orElse(true);
  }

  /** Whether the sample read fewer distinct messages than the queue counts (a queue read by counts only never is). */
  private static boolean partlyRead(Observation seen) {
    return present(seen).filter(q -> !q.countsOnly() && q.messages().size() < q.counted()).isPresent();
  }

  private static Optional<QueueState.Present> present(Observation seen) {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance).map(QueueState.Present.class::cast);
  }

  /**
   * S10: why a purge would remove messages nobody recorded: the queue is read by counts only (RedrivePolicy), or its
   * whole-queue read could not account for every counted message. Then only a person decides.
   */
  static Optional<String> unrecorded(Observation seen) {
    Optional<QueueState.Present> queue = present(seen);
    if (queue.filter(QueueState.Present::countsOnly).isPresent()) {
      return Optional.of("the queue has a RedrivePolicy, so the operator reads its counts only and cannot record"
          + " the " + queue.get().counted() + " message(s) a purge would remove");
    }
    return queue.flatMap(QueueState.Present::browse).filter(b -> !b.complete())
        .map(b -> "the whole-queue read " + b.describe() + ": a purge would remove messages not recorded");
  }

  /**
   * S9: why the deploy pipeline may still be reading the queue: a message in flight (someone received it and has
   * not deleted it), counts that tell of messages no receive finds (the pipeline has just deleted them; the counts
   * lag), or a newest message younger than timing.leftoverAfter (the pipeline sleeps 30 s between its 20 s long
   * polls, so a message that young may be the one it is about to read).
   */
  static Optional<String> pipelineMayRead(Observation seen, Settings settings, Instant now) {
    Optional<QueueState.Present> queue = present(seen);
    if (queue.isEmpty()) {
      return Optional.empty();
    }
    if (queue.get().inFlight() > 0) {
      return Optional.of(queue.get().inFlight() + " message(s) are in flight: another reader (the deploy pipeline?)"
          + " is reading the queue; purging waits until nobody does");
    }
    if (!queue.get().countsOnly() && queue.get().messages().isEmpty()) {
      // The counts lag up to a minute after the pipeline deleted what it read: nothing known to purge, and a purge
      // now would delete the first messages of a deployment launched in the next 60 seconds.
      return Optional.of("the counts tell of " + queue.get().counted() + " message(s) but no receive found any: SQS's"
          + " counts lag up to a minute after messages are deleted (the deploy pipeline deletes what it reads), so"
          + " nothing known is there to purge; purging waits until a message is read");
    }
    Duration leftoverAfter = settings.timing().leftoverAfter();
    return queue.get().messages().stream().map(RawMessage::sentAt).max(Comparator.naturalOrder())
        .filter(newest -> newest.plus(leftoverAfter).isAfter(now))
        .map(newest -> "the newest message was sent at " + newest + ", less than timing.leftoverAfter ("
            + GoDuration.format(leftoverAfter) + ") ago: the deploy pipeline may still read it; purging from "
            + newest.plus(leftoverAfter));
  }

  /**
   * Whether a purge removes the evidence of a run that did not succeed: a message of any run not known to have
   * succeeded (its own messages say exit 0, or the verdict does for it), or one nobody could read. What the instances
   * hold is the termination's question, not the purge's: an old success message beside a newer, orphaned instance is
   * purged without a person (S1 still waits for that instance's service to be seen stopped).
   */
  static boolean removesFailureEvidence(Diagnosis diagnosis) {
    Optional<Run> succeeded = diagnosis.verdict() instanceof Verdict.Finished f && f.exitStatus().filter(s -> s == 0)
        .isPresent() ? f.run() : Optional.empty();
    List<Run> runs = Run.of(diagnosis.messages());
    boolean unreadable = diagnosis.messages().isEmpty()
        || diagnosis.messages().stream().anyMatch(m -> m instanceof MigratorMessage.Unrecognized);
    return unreadable || runs.stream().anyMatch(r -> r.exitStatusFromMessages().filter(x -> x == 0).isEmpty()
        && succeeded.filter(s -> s.pid().equals(r.pid()) && s.format() == r.format()).isEmpty());
  }

  /**
   * S11: whether {@code instance} holds the evidence of a run that did not succeed (its log file, user-data, cloud-init
   * output): unless the verdict is a success on that very instance, or the run the operator remembers of it (its
   * messages purged, S12) succeeded, an instance is taken to hold such evidence.
   */
  public static boolean holdsFailureEvidence(Diagnosis diagnosis, Observation seen, List<ActionRecord> history,
      Instance instance) {
    if (diagnosis.verdict() instanceof Verdict.Finished f && f.instance().filter(i -> i.id().equals(instance.id())).isPresent()) {
      return f.exitStatus().map(s -> s != 0).orElse(true);
    }
    return !LastRunMemory.rememberedSuccessOn(diagnosis.verdict(), seen, history, instance);
  }

  /**
   * Whether the migrator's service on {@code instance} is confirmed stopped: systemd shows its main process ran and
   * ended, or this operator stopped it and verified that; and systemd has not reported the unit running since the
   * stop. A unit that never started is not "stopped" (the migrator may be about to start), nor is one that is not
   * loaded (a finding: the migrator may run under another name).
   */
  public static boolean serviceStopped(Observation seen, Instance instance, List<ActionRecord> history) {
    Optional<SystemdState> systemd = seen.systemd().seenValue().filter(s -> s.instanceId().equals(instance.id()));
    Optional<ActionRecord> lastStop = history.stream()
        .filter(r -> r.action() == ActionType.StopService && r.target().startsWith(instance.id() + "/"))
        .findFirst(); // newest first
    // An answer asked in the reconcile that stopped the unit (same time) was read before the stop: it does not count.
    boolean runningSinceStop = systemd.filter(s -> s.unit() == SystemdState.Unit.RUNNING)
        .filter(s -> lastStop.map(r -> s.askedAt().isAfter(r.time())).orElse(true)).isPresent();
    if (runningSinceStop || systemd.filter(s -> s.unit() == SystemdState.Unit.NOT_LOADED).isPresent()) {
      return false;
    }
    boolean systemdSays = systemd.filter(SystemdState::ended).isPresent();
    boolean stoppedByUs = lastStop.filter(r -> r.outcome() == ActionOutcome.Succeeded).isPresent();
    return systemdSays || stoppedByUs;
  }

  /**
   * Why the operator cannot stop the service on {@code instanceId} at all, which only a person can resolve: SSM does
   * not manage the instance (InvalidInstanceId; SSH can reach it), or systemd has no such unit loaded there.
   */
  static Optional<String> unstoppable(Observation seen, String instanceId, Settings settings) {
    return seen.systemd().seenValue().filter(s -> s.instanceId().equals(instanceId)).flatMap(s -> switch (s.unit()) {
      case UNREACHABLE -> Optional.of("instance " + instanceId + " is not reachable through SSM (SendCommand: "
          + "InvalidInstanceId), so the operator can neither read nor stop " + settings.serviceUnit() + " there: check"
          + " and stop it over SSH");
      case NOT_LOADED -> Optional.of("systemd on " + instanceId + " has no unit " + settings.serviceUnit() + " loaded"
          + " (LoadState=" + s.loadState().orElse("") + "): nothing proves the migrator is not running under another"
          + " name; check service.unit in the MigratorEnvironment and what cloud-init installed, by hand");
      default -> Optional.<String>empty();
    });
  }

  /** Every instance a migrator may be running on whose service nobody has seen stopped. */
  private static List<Instance> unconfirmedRunning(Observation seen, List<ActionRecord> history) {
    return seen.instances().seenValue().orElse(List.of()).stream()
        .filter(i -> i.state().mayRun() && !serviceStopped(seen, i, history))
        .sorted(Comparator.comparing(Instance::id))
        .toList();
  }

  private static Optional<Instance> latestInstance(Observation seen) {
    return seen.instances().seenValue().orElse(List.of()).stream().filter(i -> i.state().blocksDeploy())
        .max(Comparator.comparing(Instance::launchTime));
  }

  /** The run a verdict is about, as the fingerprint names it: its kind, format and pid. */
  private static String run(Verdict verdict) {
    Optional<Run> run = verdict instanceof Verdict.Finished f ? f.run()
        : verdict instanceof Verdict.Stalled st ? st.run()
        : verdict instanceof Verdict.InProgress p ? p.run() : Optional.empty();
    return verdict.getClass().getSimpleName() + ":" + run.map(r -> r.format() + "/" + r.pid()).orElse("-");
  }

  private static String describe(Verdict verdict) {
    if (verdict instanceof Verdict.Finished f) {
      return f.exitStatus().map(s -> "the last run finished with exit status " + s).orElse("the last run's exit status is unknown");
    }
    if (verdict instanceof Verdict.Stalled s) {
      return "the migrator looks stalled (" + s.why() + ")";
    }
    if (verdict instanceof Verdict.Orphaned o) {
      return "instance " + o.instance().id() + " has no run evidence";
    }
    if (verdict instanceof Verdict.NoEvidence n) {
      return n.what();
    }
    return verdict.getClass().getSimpleName();
  }

  /**
   * Changes whenever the actions, their targets, the evidence or the effective remediation change: the steps, the
   * run the verdict is about (its format and pid) and its exit status, the instances and their states, the mode and
   * switches as capped by the environment, and where AWS is (region, role); not with time, with the steps' states,
   * or with which messages a short poll happened to return (in AWS a changing subset), so an approval does not go
   * stale by itself. An approval given for one plan never authorizes another.
   */
  static String fingerprint(List<Step> steps, Observation seen, Diagnosis diagnosis, Settings settings) {
    String evidence = steps.stream().map(s -> s.action() + "(" + s.target() + ")").collect(Collectors.joining(";"))
        + "|" + run(diagnosis.verdict())
        + "|" + seen.instances().seenValue().orElse(List.of()).stream().map(i -> i.id() + ":" + i.state())
            .sorted().collect(Collectors.joining(","))
        + "|" + (diagnosis.verdict() instanceof Verdict.Finished f ? f.exitStatus().map(String::valueOf).orElse("?") : "-")
        + "|" + settings.remediation().summary()
        + "|" + settings.region() + "," + settings.roleArn().orElse("") + "," + settings.queueName() + ","
        + settings.serviceUnit();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(evidence.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
