package gov.cms.bfd.migrator.operator.diagnose;

import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isTrue;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.unknown;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.GoDuration;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.ConfigCheck;
import gov.cms.bfd.migrator.operator.observe.EvidenceNeeds;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides, from an observation and the spec, what state the environment is in: the run verdict, the runbook
 * failure mode, every condition, and the guidance. Pure: same inputs, same diagnosis; total: every
 * observation gets one, and a part that was not observed makes what depends on it Unknown, never a guess.
 */
public final class Diagnoser {

  /** While a migrator is silent this long, its log is read to catch an exit that sends no message (1, 4). */
  static final Duration SILENCE_WORTH_A_LOOK = Duration.ofMinutes(1);

  /**
   * What to look at beyond queue and instances for this observation. A log is read only from the stream of the
   * instance the verdict is about (one stream per instance id): the stream written to last may be another
   * instance's, and another instance's log never tells this run's exit status.
   */
  public EvidenceNeeds needs(Observation seen, Settings settings, Instant now) {
    if (seen.queue() instanceof Observed.Failed) {
      return EvidenceNeeds.NONE;
    }
    Verdict verdict = verdict(seen, settings, now, messages(seen));
    Optional<Instance> instance = instanceOf(verdict).or(() -> latestInstance(seen));
    Optional<String> log = Optional.empty();
    Optional<String> systemd = Optional.empty();
    boolean checks = false;
    if (verdict instanceof Verdict.Finished finished) {
      boolean failed = finished.exitStatus().map(s -> s != 0).orElse(true);
      if (failed) {
        log = finished.instance().map(Instance::id);
      }
      // Also when the status is known: a purge waits until the service on a running instance is seen stopped.
      systemd = finished.instance().filter(i -> i.state() == Instance.State.running).map(Instance::id);
      checks = finished.exitStatus().filter(s -> s == 1).isPresent();
    } else if (verdict instanceof Verdict.Stalled || verdict instanceof Verdict.Orphaned
        || verdict instanceof Verdict.NoEvidence) {
      log = instance.map(Instance::id);
      systemd = instance.filter(i -> i.state() == Instance.State.running).map(Instance::id);
    } else if (verdict instanceof Verdict.InProgress progress) {
      Instant lastSign = progress.run().map(Run::lastSentAt)
          .orElse(progress.instance().map(Instance::launchTime).orElse(now));
      if (Duration.between(lastSign, now).compareTo(SILENCE_WORTH_A_LOOK) > 0) {
        log = progress.instance().map(Instance::id);
      }
    }
    return new EvidenceNeeds(log, systemd, checks, settings.expectedSchemaVersion().isPresent(), nothingSeen(seen));
  }

  /** Neither the queue nor any instance exists: only the log group can still show the environment is real. */
  static boolean nothingSeen(Observation seen) {
    boolean noQueue = seen.queue().seenValue().filter(QueueState.Missing.class::isInstance).isPresent();
    boolean noInstance = seen.instances().seenValue().filter(List::isEmpty).isPresent();
    return noQueue && noInstance;
  }

  /** Nothing of the environment exists in AWS: no queue, no instance in any state, no log group. */
  static boolean misnamed(Observation seen) {
    return nothingSeen(seen) && seen.logGroup().seenValue().filter(exists -> !exists).isPresent();
  }

  /** The diagnosis of an observation. */
  public Diagnosis diagnose(Observation seen, Settings settings, Instant now) {
    List<MigratorMessage> messages = messages(seen);
    Verdict verdict = verdict(seen, settings, now, messages);
    // Only the log of the instance the verdict is about: another instance's stream is another run's.
    Optional<LogReading> log = instanceOf(verdict).flatMap(i -> logOf(seen, i));
    Optional<FailureMode> failureMode = failureMode(verdict, seen);
    List<DesiredCondition> domain = domainConditions(seen, verdict, settings);
    List<ConfigCheck> schemaChecks = schemaChecks(seen, settings);
    // Fast polling while a migration runs; a lingering instance after a finished run is no reason for it.
    boolean active = verdict instanceof Verdict.InProgress;
    return new Diagnosis(verdict, messages, log, failureMode, domain,
        Runbook.advise(verdict, failureMode, seen, settings, log), active, schemaChecks);
  }

  // ---- verdict ------------------------------------------------------------------------------------------

  static List<MigratorMessage> messages(Observation seen) {
    return seen.queue().seenValue()
        .filter(QueueState.Present.class::isInstance)
        .map(q -> MessageOrder.chronological(MessageOrder.dedupe(((QueueState.Present) q).messages().stream()
            .map(MessageParser::parse).toList())))
        .orElse(List.of());
  }

  static Verdict verdict(Observation seen, Settings settings, Instant now, List<MigratorMessage> messages) {
    if (seen.queue() instanceof Observed.Failed<QueueState> failed) {
      return new Verdict.Unobserved(List.of(failed.failure()));
    }
    QueueState queue = seen.queue().seenValue().orElseThrow();
    Optional<Instance> newest = latestInstance(seen);
    Optional<Run> run = Run.of(messages).stream().reduce((a, b) -> b);
    if (run.isPresent()) {
      Optional<Instance> own = instanceOf(run.get(), seen);
      boolean newerInstance = newest.filter(i -> own.filter(o -> o.id().equals(i.id())).isEmpty())
          .filter(i -> i.launchTime().isAfter(run.get().firstSentAt())).isPresent();
      if (!newerInstance) {
        return runVerdict(run.get(), own, seen, settings, now);
      }
      // The run's messages were sent before the newest instance launched: they are an earlier run's, never its.
      return instanceVerdict(newest.get(), seen, settings, now, run);
    }
    if (newest.isPresent()) {
      return instanceVerdict(newest.get(), seen, settings, now, Optional.empty());
    }
    boolean holdsMessages = queue instanceof QueueState.Present present && present.holdsMessages();
    if (holdsMessages) {
      QueueState.Present present = (QueueState.Present) queue;
      return new Verdict.NoEvidence(present.countsOnly()
          ? "the queue reports " + present.visible() + " visible and " + present.inFlight() + " in-flight message(s);"
              + " it has a RedrivePolicy (" + present.redrivePolicy().get() + "), so the operator reads its counts only:"
              + " a receive could move evidence to the dead-letter queue"
          : messages.isEmpty()
          ? "the queue reports " + present.visible() + " visible and " + present.inFlight()
              + " in-flight message(s) but none could be read"
          : messages.size() + " message(s) in neither the native nor the monitor format");
    }
    if (seen.instances() instanceof Observed.Failed<List<Instance>> failed) {
      return new Verdict.Unobserved(List.of(failed.failure()));
    }
    return new Verdict.Clean();
  }

  /**
   * The instance a run ran on: a message belongs to an instance only if it was sent after that instance launched, so
   * the latest instance (in any state, terminated ones too while EC2 still lists them) launched before the run's first
   * message; empty when none is known.
   */
  static Optional<Instance> instanceOf(Run run, Observation seen) {
    return seen.instances().seenValue().orElse(List.of()).stream()
        .filter(i -> !i.launchTime().isAfter(run.firstSentAt()))
        .max(Comparator.comparing(Instance::launchTime));
  }

  private static Verdict runVerdict(Run run, Optional<Instance> instance, Observation seen, Settings settings,
      Instant now) {
    Optional<SystemdState> systemd = instance.flatMap(i -> systemdOf(seen, i));
    Optional<LogReading> log = instance.flatMap(i -> logOf(seen, i));
    String unitName = settings.serviceUnit();
    if (systemd.filter(s -> s.unit() == SystemdState.Unit.RUNNING).isPresent()) {
      // systemd active: a run is in progress, whatever the queue says (no message is a heartbeat).
      SystemdState s = systemd.get();
      if (newerThan(s, run)) {
        Instant started = s.execMainStart().orElse(run.lastSentAt());
        return stallOrProgress(Optional.empty(), instance, started, started, seen, settings, now, "systemd on "
            + instance.get().id() + " runs " + unitName + " (" + s.activeState().orElse("") + processOf(s) + "), a later"
            + " process than " + run.label() + ", whose messages are an earlier run's (a reboot re-runs the migrator)");
      }
      return stallOrProgress(Optional.of(run), instance, startOf(run, instance), run.lastSentAt(), seen, settings, now,
          run.label() + " last sent " + run.stage() + " at " + second(run.lastSentAt()) + ", and systemd on "
              + instance.get().id() + " reports " + unitName + " " + s.activeState().orElse("") + processOf(s));
    }
    Optional<SystemdState> later = systemd.filter(s -> s.unit() == SystemdState.Unit.ENDED && newerThan(s, run));
    if (later.isPresent()) {
      SystemdState s = later.get();
      return new Verdict.Finished(Optional.empty(), instance, s.exitStatus(), s.exitStatus().map(x -> ExitStatusSource.Systemd),
          "systemd on " + instance.get().id() + " reports a later process than " + run.label() + processOf(s)
              + " that ended" + s.exitStatus().map(x -> " with ExecMainStatus=" + x).orElse(" without an exit status")
              + "; " + run.label() + "'s messages are an earlier run's (a reboot re-runs the migrator)");
    }
    Optional<LogReading> laterLog = log.filter(l -> l.exitStatus().isPresent() && l.newerThan(run));
    if (laterLog.isPresent()) {
      return new Verdict.Finished(Optional.empty(), instance, laterLog.get().exitStatus(), Optional.of(ExitStatusSource.Log),
          "the log of " + instance.get().id() + " shows a run that started " + second(laterLog.get().runStartedAt().get())
              + ", after " + run.label() + " last sent a message, and ended: \"" + laterLog.get().exitLine().orElse("")
              + "\"; " + run.label() + "'s messages are an earlier run's");
    }
    Optional<SystemdState> own = systemd.filter(s -> !newerThan(s, run));
    Optional<LogReading> ownLog = log.filter(l -> !l.newerThan(run));
    Optional<Integer> fromMessages = run.exitStatusFromMessages();
    if (fromMessages.isPresent()) {
      return new Verdict.Finished(Optional.of(run), instance, fromMessages, Optional.of(ExitStatusSource.SqsMessage),
          run.label() + " sent " + run.stage() + " (message " + messageLabel(run.last()) + ")");
    }
    switch (run.end()) {
      case FAILED: {
        // A native Failed precedes exit 2 or 3; only systemd or the log says which (facts §2.2).
        Optional<Integer> status = own.flatMap(SystemdState::exitStatus).filter(s -> s == 2 || s == 3);
        if (status.isPresent()) {
          return new Verdict.Finished(Optional.of(run), instance, status, Optional.of(ExitStatusSource.Systemd),
              run.label() + " sent Failed; systemd reports ExecMainStatus=" + status.get());
        }
        Optional<Integer> logged = ownLog.flatMap(LogReading::exitStatus).filter(s -> s == 2 || s == 3);
        if (logged.isPresent()) {
          return new Verdict.Finished(Optional.of(run), instance, logged, Optional.of(ExitStatusSource.Log),
              run.label() + " sent Failed; the log says \"" + ownLog.get().exitLine().orElse("") + "\"");
        }
        return new Verdict.Finished(Optional.of(run), instance, Optional.empty(), Optional.empty(),
            run.label() + " sent Failed, which means exit status 2 or 3; neither the log nor systemd has said which yet");
      }
      case KILLED:
        return new Verdict.Finished(Optional.of(run), instance, Optional.empty(), Optional.empty(),
            run.label() + " reported code '" + ((MigratorMessage.Monitor) run.last()).code() + "' status '"
                + ((MigratorMessage.Monitor) run.last()).status() + "': the process did not exit normally");
      default:
        return unfinishedRun(run, instance, seen, own, ownLog, settings, now);
    }
  }

  private static Verdict unfinishedRun(Run run, Optional<Instance> instance, Observation seen,
      Optional<SystemdState> systemd, Optional<LogReading> log, Settings settings, Instant now) {
    Optional<Integer> systemdExit = systemd.flatMap(SystemdState::exitStatus);
    if (systemdExit.isPresent()) {
      return new Verdict.Finished(Optional.of(run), instance, systemdExit, Optional.of(ExitStatusSource.Systemd),
          run.label() + " last sent " + run.stage() + "; systemd reports it exited with ExecMainStatus=" + systemdExit.get());
    }
    Optional<Integer> logged = log.flatMap(LogReading::exitStatus);
    if (logged.isPresent()) {
      return new Verdict.Finished(Optional.of(run), instance, logged, Optional.of(ExitStatusSource.Log),
          run.label() + " last sent " + run.stage() + "; the log says \"" + log.get().exitLine().orElse("") + "\"");
    }
    boolean instancesKnown = seen.instances() instanceof Observed.Seen;
    if (instancesKnown && instance.filter(i -> i.state().mayRun()).isEmpty()) {
      return new Verdict.Finished(Optional.of(run), instance, Optional.empty(), Optional.empty(),
          run.label() + " last sent " + run.stage() + " and sent nothing after; "
              + instance.map(i -> "its instance " + i.id() + " is " + i.state().ec2Name()).orElse("no migrator instance"
                  + " that launched before its first message exists")
              + ", so it ended without a final message");
    }
    return stallOrProgress(Optional.of(run), instance, startOf(run, instance), run.lastSentAt(), seen, settings, now,
        run.label() + " at " + run.stage() + ", last message sent " + second(run.lastSentAt()));
  }

  /**
   * The verdict on an instance none of whose messages was read: it launched after every run in the queue (those are
   * an earlier run's, {@code earlier}), or the queue holds none. systemd active means a run is in progress on it,
   * however silent; a unit that never started or is not loaded is not a run that ended.
   */
  private static Verdict instanceVerdict(Instance instance, Observation seen, Settings settings, Instant now,
      Optional<Run> earlier) {
    String earlierNote = earlier.map(r -> " (" + r.label() + "'s messages in the queue were sent before it launched:"
        + " an earlier run's)").orElse("");
    Optional<SystemdState> systemd = systemdOf(seen, instance);
    if (systemd.filter(s -> s.unit() == SystemdState.Unit.RUNNING).isPresent()) {
      SystemdState s = systemd.get();
      Instant started = s.execMainStart().filter(t -> t.isAfter(instance.launchTime())).orElse(instance.launchTime());
      return stallOrProgress(Optional.empty(), Optional.of(instance), started, started, seen, settings, now,
          "systemd on " + instance.id() + " reports " + settings.serviceUnit() + " " + s.activeState().orElse("")
              + processOf(s) + " although no message of its run was read" + earlierNote);
    }
    Optional<Integer> systemdExit = systemd.flatMap(SystemdState::exitStatus);
    if (systemdExit.isPresent()) {
      return new Verdict.Finished(Optional.empty(), Optional.of(instance), systemdExit,
          Optional.of(ExitStatusSource.Systemd), "no message of its run in the queue; systemd on " + instance.id()
              + " reports ExecMainStatus=" + systemdExit.get() + earlierNote);
    }
    Optional<LogReading> log = logOf(seen, instance);
    Optional<Integer> logged = log.flatMap(LogReading::exitStatus);
    if (logged.isPresent()) {
      return new Verdict.Finished(Optional.empty(), Optional.of(instance), logged, Optional.of(ExitStatusSource.Log),
          "no message of its run in the queue; the log of " + instance.id() + " says \"" + log.get().exitLine().orElse("")
              + "\"" + earlierNote);
    }
    String unit = systemd.map(s -> switch (s.unit()) {
      case NEVER_STARTED -> "; systemd reports " + settings.serviceUnit() + " has not started yet";
      case NOT_LOADED -> "; systemd on " + instance.id() + " has no unit " + settings.serviceUnit() + " loaded (LoadState="
          + s.loadState().orElse("") + ")";
      case UNREACHABLE -> "; it is not reachable through SSM, so systemd could not be asked";
      default -> "";
    }).orElse("");
    if (instance.state().mayRun() && Duration.between(instance.launchTime(), now).compareTo(settings.timing().staleAfter()) < 0) {
      return new Verdict.InProgress(Optional.empty(), Optional.of(instance),
          "instance " + instance.id() + " launched " + second(instance.launchTime()) + " and has sent no message yet"
              + unit + earlierNote);
    }
    if (instance.state().mayRun()) {
      // Messages someone else receives (the old Jenkins monitor deletes them) and log lines are progress too.
      Optional<String> unseen = unseenMessages(seen);
      if (unseen.isPresent()) {
        return new Verdict.InProgress(Optional.empty(), Optional.of(instance), "instance " + instance.id()
            + " has sent no message that could be read; " + unseen.get() + earlierNote);
      }
      Optional<Instant> active = lastLogged(seen, instance);
      if (active.isPresent() && Duration.between(active.get(), now).compareTo(settings.timing().staleAfter()) <= 0) {
        return new Verdict.InProgress(Optional.empty(), Optional.of(instance), "instance " + instance.id()
            + " has sent no message, but its log shows activity at " + second(active.get()) + earlierNote);
      }
    }
    return new Verdict.Orphaned(instance, "no message of a run on it in the queue, and neither its log nor systemd has"
        + " told an exit status" + unit + earlierNote);
  }

  /** When a run started: its instance's launch, if that was before its first message, else that message. */
  private static Instant startOf(Run run, Optional<Instance> instance) {
    return instance.map(Instance::launchTime).filter(t -> t.isBefore(run.firstSentAt())).orElse(run.firstSentAt());
  }

  /**
   * Whether systemd's main process is a later run than {@code run}: it started after the run's last message, or (in the
   * monitor format, whose pid is systemd's ExecMainPID) it has another pid.
   */
  static boolean newerThan(SystemdState systemd, Run run) {
    boolean laterStart = systemd.execMainStart().filter(t -> t.isAfter(run.lastSentAt())).isPresent();
    boolean otherPid = run.format() == MessageFormat.Monitor && systemd.execMainPid()
        .filter(pid -> !String.valueOf(pid).equals(run.pid())).isPresent();
    return laterStart || otherPid;
  }

  /** What systemd on {@code instance} said, if it was asked (an answer about another instance says nothing here). */
  static Optional<SystemdState> systemdOf(Observation seen, Instance instance) {
    return seen.systemd().seenValue().filter(s -> s.instanceId().equals(instance.id()));
  }

  /** The log of {@code instance}'s own stream, if it was read. */
  static Optional<LogReading> logOf(Observation seen, Instance instance) {
    return seen.log().seenValue().filter(l -> l.logStream().equals(instance.id())).map(LogReading::of);
  }

  private static String processOf(SystemdState s) {
    return s.execMainPid().map(p -> ", process " + p).orElse("")
        + s.execMainStart().map(t -> " started " + second(t)).orElse("");
  }

  /**
   * Why messages newer than those read may exist: more in the queue than the sample (SQS returns no particular
   * order), or in flight with another reader. Then silence in the sample is not silence of the migrator.
   */
  private static Optional<String> unseenMessages(Observation seen) {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance).map(QueueState.Present.class::cast)
        .filter(q -> q.visible() + q.inFlight() > q.messages().size())
        .map(q -> "the queue reports " + q.visible() + " visible and " + q.inFlight() + " in-flight message(s) and "
            + q.messages().size() + " could be read, so newer progress may not be visible");
  }

  /** When the instance's own log stream last had an event, if it was read. */
  private static Optional<Instant> lastLogged(Observation seen, Instance instance) {
    return seen.log().seenValue().filter(l -> l.logStream().equals(instance.id()) && !l.lines().isEmpty())
        .map(l -> l.lines().get(l.lines().size() - 1).at());
  }

  private static Verdict stallOrProgress(Optional<Run> run, Optional<Instance> instance, Instant started,
      Instant lastMessage, Observation seen, Settings settings, Instant now, String detail) {
    Optional<Instant> logged = instance.flatMap(i -> lastLogged(seen, i)).filter(t -> t.isAfter(lastMessage));
    Instant lastProgress = logged.orElse(lastMessage);
    if (logged.isPresent()) {
      detail = detail + "; its log shows activity at " + second(logged.get());
    }
    Duration running = Duration.between(started, now);
    Duration silent = Duration.between(lastProgress, now);
    // Messages name fixed times, not ages, so an unchanged situation composes an unchanged status.
    if (running.compareTo(settings.timing().maxMigrationDuration()) > 0) {
      return new Verdict.Stalled(run, instance, silent, detail + "; running since " + second(started)
          + ", longer than maxMigrationDuration " + GoDuration.format(settings.timing().maxMigrationDuration()));
    }
    Optional<String> unseen = unseenMessages(seen);
    if (silent.compareTo(settings.timing().staleAfter()) > 0 && unseen.isPresent()) {
      // Not stalled on silence that may only be ours (S4): maxMigrationDuration still applies.
      return new Verdict.InProgress(run, instance, detail + "; " + unseen.get());
    }
    if (silent.compareTo(settings.timing().staleAfter()) > 0) {
      return new Verdict.Stalled(run, instance, silent, detail + "; no progress since " + second(lastProgress)
          + ", longer than staleAfter " + GoDuration.format(settings.timing().staleAfter()));
    }
    return new Verdict.InProgress(run, instance, detail);
  }

  // ---- failure mode and conditions ----------------------------------------------------------------------

  static Optional<FailureMode> failureMode(Verdict verdict, Observation seen) {
    if (verdict instanceof Verdict.Unobserved) {
      return Optional.empty();
    }
    if (verdict instanceof Verdict.Clean || verdict instanceof Verdict.InProgress) {
      return Optional.of(FailureMode.None);
    }
    if (verdict instanceof Verdict.Finished finished && finished.exitStatus().isPresent()) {
      return Optional.of(switch (finished.exitStatus().get()) {
        case 0 -> FailureMode.UndeployableState; // a leftover success message, or a lingering instance
        case 1 -> FailureMode.InvalidAppConfiguration;
        case 2 -> FailureMode.MigrationFailed;
        case 3 -> FailureMode.ValidationFailed;
        case 4 -> FailureMode.UnhandledException;
        default -> FailureMode.UndeployableState;
      });
    }
    return Optional.of(FailureMode.UndeployableState);
  }

  static List<DesiredCondition> domainConditions(Observation seen, Verdict verdict, Settings settings) {
    DesiredCondition queueEmpty = queueEmpty(seen.queue());
    DesiredCondition instanceAbsent = instanceAbsent(seen, verdict);
    DesiredCondition succeeded = migrationSucceeded(verdict);
    DesiredCondition deployable = deployable(queueEmpty, instanceAbsent);
    if (misnamed(seen)) {
      // The gate passes as the old pipeline's did on a missing queue, but says why it may be the wrong gate.
      deployable = isTrue(ConditionTypes.DEPLOYABLE, Reasons.ENVIRONMENT_NOT_FOUND, "Deployable, but nothing of "
          + "environment '" + settings.environment() + "' exists in AWS (region " + settings.region() + "): no queue "
          + settings.queueName() + ", no migrator instance, no log group " + settings.logGroup() + ". If this is not a"
          + " new environment, check the MigratorEnvironment's name, region and queue: a misspelt environment passes"
          + " every gate.");
    }
    return List.of(queueEmpty, instanceAbsent, succeeded, deployable);
  }

  private static DesiredCondition queueEmpty(Observed<QueueState> queue) {
    if (queue instanceof Observed.Failed<QueueState> failed) {
      return failedCondition(ConditionTypes.QUEUE_EMPTY, failed.failure());
    }
    QueueState state = queue.seenValue().orElseThrow();
    if (state instanceof QueueState.Missing missing) {
      return isTrue(ConditionTypes.QUEUE_EMPTY, Reasons.QUEUE_NOT_FOUND,
          "Queue " + missing.queueName() + " does not exist, so nothing waits in it.");
    }
    QueueState.Present present = (QueueState.Present) state;
    if (present.holdsMessages()) {
      return isFalse(ConditionTypes.QUEUE_EMPTY, Reasons.QUEUE_HAS_MESSAGES, "Queue " + present.url() + " holds "
          + present.visible() + " visible, " + present.inFlight() + " in-flight and " + present.delayed()
          + " delayed message(s) (approximate counts); " + (present.countsOnly()
              ? "none read: with a RedrivePolicy the operator reads counts only."
              : present.messages().size() + " read without consuming them."));
    }
    if (present.countsOnly()) {
      return present.confirmedEmpty()
          ? isTrue(ConditionTypes.QUEUE_EMPTY, Reasons.QUEUE_IS_EMPTY, "Queue " + present.url() + " is empty: its"
              + " counts stayed 0 for longer than they lag (it has a RedrivePolicy, so the operator never receives).")
          : unknown(ConditionTypes.QUEUE_EMPTY, Reasons.QUEUE_COUNTS_SETTLING, "Queue " + present.url() + " counts 0,"
              + " but SQS's counts lag up to a minute and with a RedrivePolicy the operator does not receive to"
              + " confirm: empty once they stay 0 that long.");
    }
    return isTrue(ConditionTypes.QUEUE_EMPTY, Reasons.QUEUE_IS_EMPTY, "Queue " + present.url()
        + (present.sample().isEmpty() && present.confirmedEmpty()
            ? " is empty (counts 0; a long-polling receive confirmed it when the counts first read 0)."
            : " is empty (counts 0)."));
  }

  private static DesiredCondition instanceAbsent(Observation seen, Verdict verdict) {
    if (seen.instances() instanceof Observed.Failed<List<Instance>> failed) {
      return failedCondition(ConditionTypes.INSTANCE_ABSENT, failed.failure());
    }
    List<Instance> blocking = blocking(seen);
    if (blocking.isEmpty()) {
      return isTrue(ConditionTypes.INSTANCE_ABSENT, Reasons.NO_INSTANCE, "No migrator instance exists.");
    }
    String which = blocking.stream().map(i -> i.id() + " (" + i.state().ec2Name() + ", launched " + i.launchTime() + ")")
        .reduce((a, b) -> a + ", " + b).orElseThrow();
    if (verdict instanceof Verdict.InProgress progress) {
      return isFalse(ConditionTypes.INSTANCE_ABSENT, Reasons.MIGRATION_IN_PROGRESS,
          "A migration is in progress on " + which + ": " + progress.detail() + ".");
    }
    if (verdict instanceof Verdict.Stalled stalled) {
      return isFalse(ConditionTypes.INSTANCE_ABSENT, Reasons.STALLED_MIGRATOR,
          "The migrator on " + which + " looks stalled: " + stalled.why() + "."
              + systemdFinding(seen).map(f -> " " + f).orElse(""));
    }
    return isFalse(ConditionTypes.INSTANCE_ABSENT, Reasons.ORPHANED_INSTANCE,
        "Migrator instance " + which + " is still there although no migration is in progress."
            + systemdFinding(seen).map(f -> " " + f).orElse(""));
  }

  /**
   * What systemd's answer found that only a person can act on: the instance is not reachable through SSM, or the unit
   * is not loaded there (neither is "stopped").
   */
  static Optional<String> systemdFinding(Observation seen) {
    return seen.systemd().seenValue().flatMap(s -> switch (s.unit()) {
      case UNREACHABLE -> Optional.of("Instance " + s.instanceId() + " is not reachable through SSM, so the operator"
          + " cannot ask systemd whether the migrator runs: " + s.why() + ".");
      case NOT_LOADED -> Optional.of("systemd on " + s.instanceId() + " has no such unit loaded (LoadState="
          + s.loadState().orElse("") + "): check service.unit in the MigratorEnvironment and what cloud-init installed;"
          + " nothing proves the migrator is not running.");
      default -> Optional.empty();
    });
  }

  private static DesiredCondition migrationSucceeded(Verdict verdict) {
    String type = ConditionTypes.MIGRATION_SUCCEEDED;
    if (verdict instanceof Verdict.Unobserved unobserved) {
      return failedCondition(type, unobserved.failures().get(0));
    }
    if (verdict instanceof Verdict.InProgress progress) {
      return unknown(type, Reasons.IN_PROGRESS, "The migration is still running: " + progress.detail() + ".");
    }
    if (verdict instanceof Verdict.Stalled stalled) {
      return unknown(type, Reasons.IN_PROGRESS, "The migration has not finished: " + stalled.why() + ".");
    }
    if (verdict instanceof Verdict.Finished finished) {
      String source = finished.source().map(s -> " (source: " + s + ")").orElse("");
      if (finished.exitStatus().isEmpty()) {
        return isFalse(type, Reasons.UNKNOWN_EXIT_STATUS, "The last run ended but its exit status is unknown: "
            + finished.evidence() + ".");
      }
      int status = finished.exitStatus().get();
      String message = "The last run finished with exit status " + status + source + ": " + finished.evidence() + ".";
      return switch (status) {
        case 0 -> isTrue(type, Reasons.SUCCEEDED, message);
        case 1 -> isFalse(type, Reasons.INVALID_APP_CONFIGURATION, message);
        case 2 -> isFalse(type, Reasons.MIGRATION_FAILED, message);
        case 3 -> isFalse(type, Reasons.VALIDATION_FAILED, message);
        case 4 -> isFalse(type, Reasons.UNHANDLED_EXCEPTION, message);
        default -> isFalse(type, Reasons.UNKNOWN_EXIT_STATUS, message);
      };
    }
    if (verdict instanceof Verdict.Orphaned orphaned) {
      return unknown(type, Reasons.NO_RESULT_YET, "Instance " + orphaned.instance().id() + " left no run evidence: "
          + orphaned.why() + ".");
    }
    if (verdict instanceof Verdict.NoEvidence none) {
      return unknown(type, Reasons.NO_RESULT_YET, "No run evidence: " + none.what() + ".");
    }
    return unknown(type, Reasons.NO_RESULT_YET, "No migrator run left evidence in the queue.");
  }

  private static DesiredCondition deployable(DesiredCondition queueEmpty, DesiredCondition instanceAbsent) {
    List<DesiredCondition> blockers = new ArrayList<>();
    List<DesiredCondition> unknowns = new ArrayList<>();
    for (DesiredCondition part : List.of(queueEmpty, instanceAbsent)) {
      switch (part.status()) {
        case False -> blockers.add(part);
        case Unknown -> unknowns.add(part);
        case True -> { }
      }
    }
    String type = ConditionTypes.DEPLOYABLE;
    if (!blockers.isEmpty()) {
      // What was seen to block is certain even when another part could not be observed.
      return isFalse(type, blockers.get(0).reason(), "Not deployable: " + blockers.stream().map(DesiredCondition::message)
          .reduce((a, b) -> a + " " + b).orElseThrow());
    }
    if (!unknowns.isEmpty()) {
      return unknown(type, unknowns.get(0).reason(), "Cannot tell whether the environment is deployable: "
          + unknowns.get(0).message());
    }
    return isTrue(type, Reasons.READY_TO_DEPLOY, "Deployable: the queue is empty or absent and no migrator instance exists.");
  }

  private static DesiredCondition failedCondition(String type, AwsFailure failure) {
    return unknown(type, failure.kind() == AwsFailure.Kind.ACCESS_DENIED ? Reasons.ACCESS_DENIED : Reasons.AWS_UNAVAILABLE,
        "Not observed: " + failure.describe() + ".");
  }

  /** spec.expectedSchemaVersion against the parameter the pipeline writes after a successful run. */
  private static List<ConfigCheck> schemaChecks(Observation seen, Settings settings) {
    if (settings.expectedSchemaVersion().isEmpty() || !(seen.schemaVersion() instanceof Observed.Seen<Optional<String>> s)) {
      return List.of();
    }
    String name = "/bfd/" + settings.environment() + "/common/nonsensitive/database_schema_version";
    String expected = settings.expectedSchemaVersion().get();
    String actual = s.value().orElse("(not set)");
    return List.of(new ConfigCheck("SchemaVersion", name, expected.equals(actual), expected.equals(actual)
        ? "is " + actual + ", as spec.expectedSchemaVersion expects"
        : "is " + actual + " but spec.expectedSchemaVersion is " + expected));
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  static List<Instance> blocking(Observation seen) {
    return seen.instances().seenValue().orElse(List.of()).stream().filter(i -> i.state().blocksDeploy()).toList();
  }

  /** The instance a verdict is about, if any. */
  static Optional<Instance> instanceOf(Verdict verdict) {
    if (verdict instanceof Verdict.Finished f) {
      return f.instance();
    }
    if (verdict instanceof Verdict.Stalled s) {
      return s.instance();
    }
    if (verdict instanceof Verdict.InProgress p) {
      return p.instance();
    }
    if (verdict instanceof Verdict.Orphaned o) {
      return Optional.of(o.instance());
    }
    return Optional.empty();
  }

  static Optional<Instance> latestInstance(Observation seen) {
    return blocking(seen).stream().max(Comparator.comparing(Instance::launchTime));
  }

  private static String messageLabel(MigratorMessage message) {
    return message instanceof MigratorMessage.Native n ? "#" + n.messageId() : message.sqsMessageId();
  }

  private static String second(Instant at) {
    return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
