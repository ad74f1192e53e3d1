package gov.cms.bfd.migrator.operator.plan;

import static gov.cms.bfd.migrator.operator.observe.RunWorlds.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.Run;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.RunMemory;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.RunWorlds;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * S11 and S12 as properties over generated worlds (instances launched before and after the operator's clean-ups,
 * systemd answers of every kind, other instances' log streams), remediations, approvals and ledgers whose clean-ups
 * remember runs that succeeded, failed or ended unknown.
 */
class TerminationProperties {

  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();
  private final StatusComposer composer = new StatusComposer();

  /**
   * S11: no termination of an instance holding a failed run's evidence without the approval a purge would need. Under
   * afterFailure Approve, an instance is terminated without a person only when a success on it is known: the verdict's
   * run on it exited 0, or the ledger remembers a clean-up of a run on it that exited 0.
   */
  @Property(tries = 10000)
  void s11NoTerminationOfFailureEvidenceWithoutTheApprovalAPurgeWouldNeed(@ForAll("terminable") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    Optional<Step> next = plan.next().filter(s -> s.action() == ActionType.TerminateInstance);
    Statistics.label("termination").collect(next.isEmpty() ? "none"
        : next.get().approvedBy().isPresent() ? "approved" : "by itself");
    if (next.isEmpty() || c.settings.remediation().afterFailure() != AfterFailure.Approve) {
      return;
    }
    if (next.get().approvedBy().isEmpty()) {
      String target = next.get().target();
      Verdict verdict = c.diagnosis(diagnoser).verdict();
      boolean successOnIt = verdict instanceof Verdict.Finished f && f.exitStatus().filter(s -> s == 0).isPresent()
          && f.instance().filter(i -> i.id().equals(target)).isPresent();
      boolean rememberedSuccess = c.history.stream().filter(ActionRecord::cleanedUp).findFirst()
          .flatMap(ActionRecord::run).filter(r -> r.instanceId().filter(target::equals).isPresent())
          .filter(RunMemory::succeeded).isPresent();
      assertThat(successOnIt || rememberedSuccess).as("terminated by itself: a success on " + target + " is known")
          .isTrue();
    } else {
      assertThat(next.get().approvedBy()).contains("alice");
      assertThat(c.approval.map(Approval::fingerprint)).contains(plan.fingerprint());
    }
  }

  /**
   * S12: after the operator's own purge or termination, while no newer run appears (no instance launched since, no
   * message sent since, nothing the queue or the instances tell of a run), MigrationSucceeded and lastRun still tell
   * the run the clean-up remembered, and a failed run keeps its failure mode.
   */
  @Property(tries = 10000)
  void s12TheLastRunsVerdictStaysAfterTheOperatorsOwnCleanUp(@ForAll("quiet") Case c) {
    Diagnosis diagnosis = c.diagnosis(diagnoser);
    ActionRecord cleanUp = c.history.get(0);
    RunMemory run = cleanUp.run().orElseThrow();
    boolean noRunEvidence = diagnosis.verdict() instanceof Verdict.Clean || diagnosis.verdict() instanceof Verdict.Orphaned;
    Statistics.label("after the clean-up").collect(diagnosis.verdict().getClass().getSimpleName());
    if (!noRunEvidence) {
      return;
    }
    MigratorDeploymentStatus status = c.compose(composer, diagnoser, planner);

    assertThat(status.lastRun.pid).isEqualTo(run.pid().orElse(null));
    assertThat(status.lastRun.exitStatus).isEqualTo(run.exitStatus().orElse(null));
    Condition succeeded = condition(status, ConditionTypes.MIGRATION_SUCCEEDED);
    assertThat(succeeded.reason).isEqualTo(run.exitStatus().map(TerminationProperties::reason)
        .orElse(Reasons.UNKNOWN_EXIT_STATUS));
    if (run.exitStatus().filter(s -> s >= 1 && s <= 4).isPresent()) {
      assertThat(status.failureMode.name()).isEqualTo(reason(run.exitStatus().get()));
    }
  }

  /** S12's other half: the memory never hides a newer run; a run the queue names is the last run. */
  @Property(tries = 10000)
  void s12ANewerRunIsNeverHiddenByWhatACleanUpRemembers(@ForAll("cases") Case c) {
    Verdict verdict = c.diagnosis(diagnoser).verdict();
    Optional<Run> run = verdict instanceof Verdict.Finished f ? f.run() : verdict instanceof Verdict.Stalled s ? s.run()
        : verdict instanceof Verdict.InProgress p ? p.run() : Optional.empty();
    boolean remembers = c.history.stream().anyMatch(r -> r.run().isPresent());
    Statistics.label("run named, ledger remembers one").collect(run.isPresent() + "," + remembers);
    if (run.isEmpty() || !run.get().pid().matches("[0-9]+")) {
      return;
    }
    MigratorDeploymentStatus status = c.compose(composer, diagnoser, planner);
    assertThat(status.lastRun.pid).isEqualTo(Long.parseLong(run.get().pid()));
  }

  private static String reason(int exitStatus) {
    return switch (exitStatus) {
      case 0 -> Reasons.SUCCEEDED;
      case 1 -> Reasons.INVALID_APP_CONFIGURATION;
      case 2 -> Reasons.MIGRATION_FAILED;
      case 3 -> Reasons.VALIDATION_FAILED;
      case 4 -> Reasons.UNHANDLED_EXCEPTION;
      default -> Reasons.UNKNOWN_EXIT_STATUS;
    };
  }

  private static Condition condition(MigratorDeploymentStatus status, String type) {
    return status.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
  }

  // ---- generated cases ----------------------------------------------------------------------------------

  /** A world, a remediation, maybe an approval of the plan a person was shown, and a ledger. */
  record Case(Observation seen, Settings settings, Optional<Approval> approval, List<ActionRecord> history) {

    Diagnosis diagnosis(Diagnoser diagnoser) {
      return diagnoser.diagnose(seen, settings, NOW);
    }

    Plan plan(Planner planner, Diagnoser diagnoser) {
      return planner.plan(diagnosis(diagnoser), seen, settings, approval, history, NOW);
    }

    MigratorDeploymentStatus compose(StatusComposer composer, Diagnoser diagnoser, Planner planner) {
      var input = new Input("ns", "test", 1, Map.of(), new Input.Resolved.Valid(settings),
          new Input.Prior(false, false, history), NOW);
      return composer.compose(input, null, seen, diagnosis(diagnoser), Optional.of(plan(planner, diagnoser)), history);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(RunWorlds.observations(), settings(), ledgers(), Arbitraries.of(true, false))
        .as((seen, settings, history, approve) -> {
          Case unapproved = new Case(seen, settings, Optional.empty(), history);
          if (!approve) {
            return unapproved;
          }
          // A person approves the plan they were shown (its fingerprint ignores approvals).
          String shown = unapproved.plan(new Planner(), new Diagnoser()).fingerprint();
          return new Case(seen, settings, Optional.of(new Approval(shown, "alice")), history);
        });
  }

  /**
   * Worlds where a termination is in question: the queue mostly empty, the newest instance stopped or its service seen
   * ended (or never started, or not loaded), any run's messages, ledgers that remember runs on the instances.
   */
  @Provide
  Arbitrary<Case> terminable() {
    Arbitrary<Observation> worlds = Combinators.combine(RunWorlds.instances().filter(l -> !l.isEmpty()),
            RunWorlds.messages(), Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)),
            Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 4), RunWorlds.logs())
        .as((instances, messages, emptyQueue, kind, status, log) -> {
          Instance newest = instances.stream().max(java.util.Comparator.comparing(Instance::launchTime)).orElseThrow();
          var systemd = switch (kind) {
            case 0, 1 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.exited(newest.id(), NOW, status);
            case 2 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.killed(newest.id(), NOW);
            case 3 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.neverStarted(newest.id(), NOW);
            case 4 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.notLoaded(newest.id(), NOW);
            default -> gov.cms.bfd.migrator.operator.observe.SystemdStates.silent(newest.id(), NOW);
          };
          List<Instance> settled = instances.stream().map(i -> i == newest || kind >= 5
              ? new Instance(i.id(), kind == 5 ? Instance.State.stopped : i.state(), i.launchTime(), i.tags()) : i)
              .toList();
          return Observation.basic(NOW, Observed.seen(RunWorlds.queue(emptyQueue ? List.of() : messages)),
              Observed.seen(settled)).withSystemd(Observed.seen(systemd)).withLog(log);
        });
    return Combinators.combine(worlds, settings(), ledgers(), Arbitraries.of(true, false))
        .as((seen, settings, history, approve) -> {
          Case unapproved = new Case(seen, settings, Optional.empty(), history);
          if (!approve) {
            return unapproved;
          }
          String shown = unapproved.plan(new Planner(), new Diagnoser()).fingerprint();
          return new Case(seen, settings, Optional.of(new Approval(shown, "alice")), history);
        });
  }

  /** Worlds after a clean-up in which no newer run appeared: nothing launched or sent since it. */
  @Provide
  Arbitrary<Case> quiet() {
    return Combinators.combine(RunWorlds.instances(), RunWorlds.systemd(), RunWorlds.logs(), settings(), cleanUps(),
            Arbitraries.of(true, false))
        .as((instances, systemd, log, settings, cleanUp, queueExists) -> {
          List<Instance> before = instances.stream().filter(i -> !i.launchTime().isAfter(cleanUp.time())).toList();
          var queue = queueExists ? RunWorlds.queue(List.of())
              : new gov.cms.bfd.migrator.operator.observe.QueueState.Missing("bfd-test-migrator");
          var seen = Observation.basic(NOW, Observed.seen(queue), Observed.seen(before)).withSystemd(systemd)
              .withLog(log);
          return new Case(seen, settings, Optional.empty(), List.of(cleanUp));
        });
  }

  private Arbitrary<Settings> settings() {
    return Combinators.combine(Arbitraries.frequency(Tuple.of(4, RemediationMode.Auto), Tuple.of(1, RemediationMode.Approve)),
            Arbitraries.of(true, false), Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)),
            Arbitraries.frequency(Tuple.of(3, AfterFailure.Approve), Tuple.of(1, AfterFailure.Auto)))
        .as((mode, stop, terminate, afterFailure) -> SettingsFixtures.with(SettingsFixtures.defaults("test"),
            new Settings.Remediation(mode, true, stop, terminate, afterFailure, 60)));
  }

  /** What a clean-up remembers: a run on one of the ids, that exited 0 to 4 or ended unknown. */
  private static Arbitrary<RunMemory> memories() {
    return Combinators.combine(Arbitraries.of(5046L, 4242L), Arbitraries.of("i-1", "i-2", "i-3"),
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Optional.of(0))),
                Tuple.of(3, Arbitraries.integers().between(1, 4).map(Optional::of)),
                Tuple.of(1, Arbitraries.just(Optional.<Integer>empty()))))
        .as((pid, instance, exit) -> new RunMemory(Optional.of(pid), Optional.of(MessageFormat.Native),
            Optional.of(instance), exit, exit.map(x -> ExitStatusSource.SqsMessage), Optional.of("Finished"),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
  }

  /** The operator's purge or termination, done (not failed), with the run it remembered. */
  private static Arbitrary<ActionRecord> cleanUps() {
    return Combinators.combine(Arbitraries.of(ActionType.PurgeQueue, ActionType.TerminateInstance),
            Arbitraries.of(ActionOutcome.Succeeded, ActionOutcome.Inconclusive, ActionOutcome.Pending),
            Arbitraries.integers().between(1, 200), memories())
        .as((action, outcome, minutes, run) -> new ActionRecord(NOW.minus(Duration.ofMinutes(minutes)), action,
            action == ActionType.PurgeQueue ? "https://sqs/q" : run.instanceId().orElseThrow(), outcome,
            Optional.empty(), "f", "generated", Optional.of("called"), List.of(), Optional.of(run)));
  }

  /** Ledgers, newest first: none, or clean-ups (some failed) and stops. */
  private static Arbitrary<List<ActionRecord>> ledgers() {
    Arbitrary<ActionRecord> any = Arbitraries.oneOf(cleanUps(), cleanUps().map(r -> r.with(ActionOutcome.Failed, "x")),
        Combinators.combine(Arbitraries.of("i-1", "i-2", "i-3"), Arbitraries.integers().between(1, 200),
            Arbitraries.of(ActionOutcome.Succeeded, ActionOutcome.Failed)).as((id, minutes, outcome) ->
            new ActionRecord(NOW.minus(Duration.ofMinutes(minutes)), ActionType.StopService, id + "/bfd-db-migrator.service",
                outcome, Optional.empty(), "f", "generated", Optional.of("c"), List.of())));
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<ActionRecord>of())),
        Tuple.of(3, any.list().ofMaxSize(3).map(l -> {
          List<ActionRecord> sorted = new ArrayList<>(l);
          sorted.sort((a, b) -> b.time().compareTo(a.time()));
          return sorted;
        })));
  }
}
