package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.LastRun;
import gov.cms.bfd.migrator.operator.diagnose.Commands;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.LastRunMemory;
import gov.cms.bfd.migrator.operator.diagnose.RunbookAdvice;
import gov.cms.bfd.migrator.operator.diagnose.RunbookAdvice.Kind;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.Shell;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.plan.Planner;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The runbook's steps as they apply now, in the order a person on call takes them: first what unblocks the
 * resource (the approval it awaits, the command for what the operator may not do, or that the operator is on it),
 * then the section's steps, without those the operator's plan covers (a raw purge would skip the approval and the
 * evidence record) and without those already done (the queue is empty, the instance is gone, the service stopped).
 * Pure.
 */
final class NextSteps {

  private NextSteps() {}

  static List<String> of(Input input, Settings settings, Observation seen, Diagnosis diagnosis, Optional<Plan> plan,
      List<ActionRecord> history, Optional<LastRun> lastRun, Optional<LastRunMemory.Recalled> recalled) {
    var commands = new Commands(seen, settings);
    String md = Shell.quote(input.name()) + " -n " + Shell.quote(input.namespace());
    List<String> steps = new ArrayList<>();
    Set<Kind> covered = EnumSet.noneOf(Kind.class);
    Optional<ActionRecord> pending = history.stream().filter(ActionRecord::pending).findFirst();
    if (pending.isPresent()) {
      steps.add("Nothing to do by hand now: the operator verifies " + pending.get().action() + " on "
          + pending.get().target() + " (recorded " + pending.get().time() + "); follow it: kubectl migrator wait " + md);
    }
    List<Step> planned = plan.map(Plan::steps).orElse(List.of());
    for (int i = 0; i < planned.size(); i++) {
      Step step = planned.get(i);
      covered.add(kind(step.action()));
      if (i == 0 && pending.isEmpty()) {
        steps.add(unblocking(step, plan.get(), commands, seen, md));
      } else {
        steps.add("Then " + describe(step) + " (" + step.state() + step.blockedBy().map(b -> ": " + b).orElse("") + ").");
      }
    }
    int unblocking = steps.size();
    for (RunbookAdvice.Step step : diagnosis.runbook().steps()) {
      if (covered.contains(step.kind()) || done(step.kind(), seen, history)) {
        continue;
      }
      steps.add(step.text());
    }
    Optional<String> remembered = remembered(recalled);
    if (diagnosis.verdict() instanceof Verdict.Clean) {
      remembered.or(() -> afterRecovery(lastRun)).ifPresent(note -> steps.add(0, note));
    } else {
      // What moves the resource on comes first; the remembered failure right after it.
      remembered.ifPresent(note -> steps.add(unblocking, note));
    }
    return steps;
  }

  /** The first step's words: what moves the resource on now, and who does it. */
  private static String unblocking(Step step, Plan plan, Commands commands, Observation seen, String md) {
    String what = describe(step);
    if (step.state() == ActionState.Ready) {
      return "Nothing to do by hand now: the operator " + what + step.approvedBy().map(a -> " (approved by " + a + ")")
          .orElse("") + "; follow it: kubectl migrator wait " + md;
    }
    if (step.state() == ActionState.AwaitingApproval) {
      return "Approve the plan (" + what + "): kubectl migrator approve " + md + " (a migrator-approver signs"
          + " status.planFingerprint " + plan.fingerprint() + " with their own name; the operator then acts and keeps"
          + " the evidence in its ledger).";
    }
    if (step.clearsByItself()) {
      return "Nothing to do by hand now: the operator " + what + " once it may (" + step.blockedBy().orElse("") + ");"
          + " follow it: kubectl migrator wait " + md;
    }
    String why = step.state() == ActionState.ObserveOnly ? "The operator only plans (Observe mode)"
        : step.blockedBy().orElse("The operator may not");
    return why + ". By hand: " + byHand(step, commands, seen);
  }

  private static String byHand(Step step, Commands commands, Observation seen) {
    return switch (step.action()) {
      case PurgeQueue -> commands.purge();
      case TerminateInstance -> instance(seen, step.target()).map(commands::terminate)
          .orElse("aws ec2 terminate-instances --instance-ids " + Shell.quote(step.target()));
      case StopService -> instance(seen, step.target().split("/", 2)[0])
          .map(i -> unreachable(seen, i)
              // SSM does not manage it: the runbook's own route, SSH, is the one left.
              ? "over SSH, check the service: " + commands.ssh(i, commands.serviceStatus()) + " ; then stop it: "
                  + commands.ssh(i, commands.serviceStop())
              : "check the service, " + commands.onInstance(i, commands.serviceStatus()) + " ; then stop it, "
                  + commands.onInstance(i, commands.serviceStop()))
          .orElse("stop " + step.target() + " on its instance");
    };
  }

  private static boolean unreachable(Observation seen, Instance instance) {
    return seen.systemd().seenValue().filter(s -> s.instanceId().equals(instance.id()))
        .filter(s -> s.unit() == SystemdState.Unit.UNREACHABLE).isPresent();
  }

  private static Optional<Instance> instance(Observation seen, String id) {
    return seen.instances().seenValue().orElse(List.of()).stream().filter(i -> i.id().equals(id)).findFirst();
  }

  private static String describe(Step step) {
    return switch (step.action()) {
      case PurgeQueue -> "purges queue " + step.target();
      case StopService -> "stops " + step.target().replaceFirst("/", "'s ");
      case TerminateInstance -> "terminates instance " + step.target();
    };
  }

  private static Kind kind(ActionType action) {
    return switch (action) {
      case PurgeQueue -> Kind.PURGE;
      case StopService -> Kind.STOP_SERVICE;
      case TerminateInstance -> Kind.TERMINATE;
    };
  }

  /** Steps whose effect is already seen: nothing in the queue, no instance, the service stopped. */
  private static boolean done(Kind kind, Observation seen, List<ActionRecord> history) {
    boolean queueHolds = seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(q -> ((QueueState.Present) q).holdsMessages()).orElse(true);
    boolean noInstance = seen.instances().seenValue().map(l -> l.stream().noneMatch(i -> i.state().blocksDeploy()))
        .orElse(false);
    return switch (kind) {
      case PURGE, READ_MESSAGES -> !queueHolds;
      case TERMINATE -> noInstance;
      // Stopped as the purge's rule sees it: a stop confirmed earlier no longer counts once the unit runs again.
      case STOP_SERVICE -> noInstance || seen.instances().seenValue().orElse(List.of()).stream()
          .filter(i -> i.state().mayRun()).allMatch(i -> Planner.serviceStopped(seen, i, history));
      default -> false;
    };
  }

  /**
   * After a person cleaned up a failed run, the environment is deployable, and the migration that failed is still
   * broken: the next deployment runs it again.
   */
  private static Optional<String> afterRecovery(Optional<LastRun> lastRun) {
    return lastRun.filter(r -> r.exitStatus != null && r.exitStatus != 0).map(r -> "Deployable, but the last run (pid "
        + r.pid + ") ended with exit status " + r.exitStatus + (r.migrationFile == null ? "" : " in " + r.migrationFile)
        + ": its cause still needs a fix through a pull request before the next deployment, which runs it again.");
  }

  /**
   * S12: the operator's own clean-up removed a failed run's evidence, and the run stays the last one: its cause still
   * needs a fix, and the ledger keeps what the clean-up removed.
   */
  private static Optional<String> remembered(Optional<LastRunMemory.Recalled> recalled) {
    return recalled.filter(r -> !r.run().succeeded()).map(r -> "The last run, " + r.run().label() + ", ended "
        + r.run().exitStatus().map(s -> "with exit status " + s).orElse("without a known exit status")
        + r.run().migrationFile().map(f -> " in " + f).orElse("") + "; the operator's "
        + (r.cleanUp().action() == ActionType.PurgeQueue ? "purge" : "termination of " + r.cleanUp().target())
        + " at " + r.cleanUp().time() + " removed its evidence (kept in the MigratorEnvironment's status.ledger). Its"
        + " cause still needs a fix through a pull request before the next deployment, which runs it again.");
  }
}
