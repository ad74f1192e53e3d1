package gov.cms.bfd.migrator.operator.act;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.CommandPort;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.SystemdOutput;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.plan.Step;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs the one step a plan allows, after its intent is in status, and follows pending intents to an
 * outcome by observing again: Succeeded, Failed, or Inconclusive when nothing proves either.
 */
@ApplicationScoped
public class Executor {

  /** AWS deletes what is sent up to 60 seconds after a purge. */
  public static final Duration AWS_PURGE_WINDOW = Duration.ofSeconds(60);
  /**
   * How long after its intent a call may still have reached AWS when no answer was recorded: the intent's time is
   * the reconcile's start, so the reads before the call, the intent's two writes and the call itself (at most 15 s
   * with its retries) lie in between, with room.
   */
  public static final Duration UNANSWERED_REACH = Duration.ofMinutes(2);

  private final RemediationPort remediation;
  private final CommandPort commands;
  private final Duration purgeWindow;
  private final Duration unansweredReach;
  private final Clock clock;

  /**
   * @param purgeWindow AWS's purge window; only an emulator that scales AWS's timings down (the tests' realism layer)
   *     sets another (migrator.aws-timing.purge-window)
   * @param unansweredReach how long after its intent a call whose answer was not recorded may have reached AWS
   *     ({@link #UNANSWERED_REACH}; tests whose reconciles take a second set less: migrator.unanswered-reach)
   * @param clock when a call's answer came (a purge's window is counted from it)
   */
  @Inject
  public Executor(RemediationPort remediation, CommandPort commands,
      @ConfigProperty(name = "migrator.aws-timing.purge-window", defaultValue = "60s") Duration purgeWindow,
      @ConfigProperty(name = "migrator.unanswered-reach", defaultValue = "2m") Duration unansweredReach,
      Clock clock) {
    this.remediation = remediation;
    this.commands = commands;
    this.purgeWindow = purgeWindow;
    this.unansweredReach = unansweredReach;
    this.clock = clock;
  }

  public Executor(RemediationPort remediation, CommandPort commands, Duration purgeWindow, Clock clock) {
    this(remediation, commands, purgeWindow, UNANSWERED_REACH, clock);
  }

  public Executor(RemediationPort remediation, CommandPort commands) {
    this(remediation, commands, AWS_PURGE_WINDOW, Clock.systemUTC());
  }

  /**
   * The AWS call for a recorded intent; the record as it stands after the call (still Pending, or Failed), with the
   * moment its answer came (AWS received the call by then).
   */
  public ActionRecord execute(Step step, ActionRecord intent, AwsTarget target) {
    ActionRecord after;
    try {
      after = call(step, intent, target);
    } catch (RemediationPort.UnansweredException e) {
      after = unanswered(step, intent, e, clock.instant());
    } catch (AwsCallException e) {
      after = intent.with(ActionOutcome.Failed, e.failure().describe());
    }
    return after.answered(clock.instant());
  }

  private ActionRecord call(Step step, ActionRecord intent, AwsTarget target) {
    switch (step.action()) {
      case PurgeQueue -> {
        try {
          remediation.purgeQueue(target, step.target());
          return intent.withReference(Verification.CALLED, "PurgeQueue accepted at " + clock.instant()
              + "; verifying the queue empties");
        } catch (RemediationPort.PurgeInProgressException e) {
          return intent.withReference(Verification.IN_PROGRESS, e.getMessage() + "; waiting for it, not a failure");
        }
      }
      case StopService -> {
        String[] instanceAndUnit = step.target().split("/", 2);
        String commandId = remediation.stopService(target, instanceAndUnit[0], instanceAndUnit[1]);
        return intent.withReference(commandId, "SSM command " + commandId + " sent at " + clock.instant());
      }
      case TerminateInstance -> {
        remediation.terminateInstance(target, step.target());
        return intent.withReference(Verification.CALLED, "TerminateInstances accepted at " + clock.instant());
      }
      default -> throw new IllegalStateException(step.action().name());
    }
  }

  /**
   * No answer came, so AWS may have acted: a purge or a termination stays pending and is judged by what the
   * next observations show (never repeated blindly, and never called Failed when it ran); a stop has no
   * command id to follow, so it is Inconclusive and waits for a person.
   */
  private static ActionRecord unanswered(Step step, ActionRecord intent, AwsCallException e, Instant now) {
    String what = e.failure().describe();
    if (step.action() == ActionType.StopService) {
      return intent.with(ActionOutcome.Inconclusive, what + " at " + now
          + ": no answer, so the command may or may not have been sent; check the service by hand");
    }
    return intent.withReference(Verification.UNANSWERED, what + " at " + now
        + ": no answer, so AWS may have acted; verifying by observation, not calling again");
  }

  /**
   * When the earliest pending purge still inside AWS's purge window at {@code now} can be judged: the window's end,
   * before which an empty queue proves nothing. The reconcile is then scheduled for that moment rather than for the
   * next active poll after it.
   */
  public Optional<Instant> purgeJudgeableAt(List<ActionRecord> history, Instant now) {
    return history.stream().filter(r -> r.pending() && r.action() == ActionType.PurgeQueue)
        .map(r -> r.calledBy(unansweredReach).plus(purgeWindow)).filter(end -> end.isAfter(now)).min(Instant::compareTo);
  }

  /** The history with every pending record followed as far as observation allows. */
  public List<ActionRecord> verify(List<ActionRecord> history, Observation seen, AwsTarget target, Instant now) {
    return history.stream().map(r -> r.pending() ? verify(r, seen, target, now) : r).toList();
  }

  private ActionRecord verify(ActionRecord pending, Observation seen, AwsTarget target, Instant now) {
    return switch (pending.action()) {
      case PurgeQueue -> Verification.purge(pending, seen, now, purgeWindow, unansweredReach);
      case TerminateInstance -> Verification.termination(pending, seen, now);
      case StopService -> {
        if (pending.reference().isEmpty()) {
          // The operator stopped before the call or before its answer: SSM may well have the command.
          yield pending.with(ActionOutcome.Inconclusive, "the intent was recorded but no SSM command id was (the operator "
              + "stopped before or during the call), so whether the command was sent is unknown; nothing proves the "
              + "service stopped");
        }
        String instanceId = pending.target().split("/", 2)[0];
        try {
          Optional<CommandPort.Invocation> invocation = commands.invocation(target, pending.reference().get(), instanceId);
          yield Verification.stop(pending, invocation.map(i -> SystemdOutput.parse(instanceId, pending.reference().get(),
              pending.time(), i)), invocation, now);
        } catch (AwsCallException e) {
          yield pending; // look again on the next reconcile
        }
      }
    };
  }
}
