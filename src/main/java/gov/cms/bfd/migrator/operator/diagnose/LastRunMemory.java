package gov.cms.bfd.migrator.operator.diagnose;

import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isFalse;
import static gov.cms.bfd.migrator.operator.model.DesiredCondition.isTrue;

import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import gov.cms.bfd.migrator.operator.model.RunMemory;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * S12: the operator's own clean-up never erases what it knew. A purge removes a run's messages, a termination its
 * instance; the ledger keeps the run as the operator knew it then ({@link ActionRecord#run()}), and this decides
 * when that run is still the last one: while the evidence shows no newer run (no message and no instance of one
 * since). Pure.
 */
public final class LastRunMemory {

  private LastRunMemory() {}

  /** The run the newest clean-up remembers, and that clean-up. */
  public record Recalled(ActionRecord cleanUp, RunMemory run) {
    public Recalled {
      Objects.requireNonNull(cleanUp, "cleanUp");
      Objects.requireNonNull(run, "run");
    }
  }

  /**
   * The remembered run, when the verdict shows no newer one: nothing of a run is left (Clean), the queue holds
   * nothing recognisable sent since the clean-up (NoEvidence), the instance left behind is one that launched before
   * the clean-up (Orphaned), or systemd or the log of the remembered run's instance tell the same exit status again.
   * A run in progress, a stalled one, or any run the queue names is evidence of its own and wins.
   */
  public static Optional<Recalled> recall(Verdict verdict, Observation seen, List<ActionRecord> history) {
    Optional<ActionRecord> cleanUp = history.stream().filter(ActionRecord::cleanedUp).findFirst(); // newest first
    if (cleanUp.isEmpty() || cleanUp.get().run().isEmpty()) {
      return Optional.empty();
    }
    ActionRecord action = cleanUp.get();
    RunMemory run = action.run().get();
    // An instance launched since (EC2 lists terminated ones for a while) is a newer run, even one already gone.
    boolean launchedSince = seen.instances().seenValue().orElse(List.of()).stream()
        .anyMatch(i -> i.launchTime().isAfter(action.time()));
    if (launchedSince) {
      return Optional.empty();
    }
    boolean noNewerRun;
    if (verdict instanceof Verdict.Clean) {
      noNewerRun = true;
    } else if (verdict instanceof Verdict.NoEvidence) {
      // Counts alone (a RedrivePolicy) cannot tell whose messages they are: they may be a newer run's.
      boolean countsOnly = seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
          .map(q -> ((QueueState.Present) q).countsOnly()).orElse(false);
      noNewerRun = !countsOnly && sentSince(seen, action).isEmpty();
    } else if (verdict instanceof Verdict.Orphaned orphaned) {
      noNewerRun = !orphaned.instance().launchTime().isAfter(action.time());
    } else if (verdict instanceof Verdict.Finished finished && finished.run().isEmpty()) {
      // The same run's end told again by its instance (its messages were purged): the memory names the run.
      noNewerRun = finished.instance().filter(i -> run.instanceId().filter(i.id()::equals).isPresent())
          .filter(i -> !i.launchTime().isAfter(action.time())).isPresent()
          && finished.exitStatus().equals(run.exitStatus());
    } else {
      noNewerRun = false;
    }
    return noNewerRun ? Optional.of(new Recalled(action, run)) : Optional.empty();
  }

  /** MigrationSucceeded for a remembered run: the verdict it had, and that the operator's clean-up removed its evidence. */
  public static DesiredCondition condition(Recalled recalled) {
    String type = ConditionTypes.MIGRATION_SUCCEEDED;
    RunMemory run = recalled.run();
    String cleanUp = " (the evidence is gone since the operator's " + (recalled.cleanUp().action() == ActionType.PurgeQueue
        ? "purge of the queue" : "termination of " + recalled.cleanUp().target()) + " recorded "
        + recalled.cleanUp().time() + "; the ledger keeps the run until a newer one appears)";
    if (run.exitStatus().isEmpty()) {
      return isFalse(type, Reasons.UNKNOWN_EXIT_STATUS, "The last run, " + run.label() + run.stage().map(s -> " at " + s)
          .orElse("") + ", ended without a known exit status" + cleanUp + ".");
    }
    int status = run.exitStatus().get();
    String message = "The last run, " + run.label() + ", finished with exit status " + status
        + run.source().map(s -> " (source: " + s + ")").orElse("") + run.migrationFile().map(f -> " in " + f).orElse("")
        + cleanUp + ".";
    return switch (status) {
      case 0 -> isTrue(type, Reasons.SUCCEEDED, message);
      case 1 -> isFalse(type, Reasons.INVALID_APP_CONFIGURATION, message);
      case 2 -> isFalse(type, Reasons.MIGRATION_FAILED, message);
      case 3 -> isFalse(type, Reasons.VALIDATION_FAILED, message);
      case 4 -> isFalse(type, Reasons.UNHANDLED_EXCEPTION, message);
      default -> isFalse(type, Reasons.UNKNOWN_EXIT_STATUS, message);
    };
  }

  /** The failure mode a remembered failed run keeps (its cause still needs a fix); none for any other. */
  public static Optional<FailureMode> failureMode(Recalled recalled) {
    return recalled.run().exitStatus().flatMap(s -> switch (s) {
      case 1 -> Optional.of(FailureMode.InvalidAppConfiguration);
      case 2 -> Optional.of(FailureMode.MigrationFailed);
      case 3 -> Optional.of(FailureMode.ValidationFailed);
      case 4 -> Optional.of(FailureMode.UnhandledException);
      default -> Optional.<FailureMode>empty();
    });
  }

  /** Whether terminating {@code instance} destroys only the evidence of a run remembered to have succeeded. */
  public static boolean rememberedSuccessOn(Verdict verdict, Observation seen, List<ActionRecord> history, Instance instance) {
    return recall(verdict, seen, history).map(Recalled::run)
        .filter(r -> r.instanceId().filter(instance.id()::equals).isPresent())
        .filter(RunMemory::succeeded).isPresent();
  }

  private static Optional<RawMessage> sentSince(Observation seen, ActionRecord action) {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance).map(QueueState.Present.class::cast)
        .flatMap(q -> q.messages().stream().filter(m -> m.sentAt().isAfter(action.time())).findFirst());
  }
}
