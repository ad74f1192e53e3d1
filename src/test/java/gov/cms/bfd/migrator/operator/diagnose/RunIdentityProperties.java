package gov.cms.bfd.migrator.operator.diagnose;

import static gov.cms.bfd.migrator.operator.observe.RunWorlds.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.RunWorlds;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.plan.Plan;
import gov.cms.bfd.migrator.operator.plan.Planner;
import gov.cms.bfd.migrator.operator.plan.Step;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
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
 * Run identity and systemd's word as properties (DESIGN §3), over worlds whose instances launch before and after the
 * runs' messages, whose systemd answers are running, ended, never started, not loaded, silent or from an instance SSM
 * does not manage, and whose log streams are the run's instance's or another's.
 */
class RunIdentityProperties {

  private static final Settings SETTINGS = SettingsFixtures.with(SettingsFixtures.defaults("test"),
      new Settings.Remediation(RemediationMode.Auto, true, true, true, AfterFailure.Auto, 60));
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();

  /** A message belongs to an instance only if it was sent after that instance launched. */
  @Property(tries = 10000)
  void aRunIsNeverTiedToAnInstanceLaunchedAfterItsFirstMessage(@ForAll("worlds") Observation seen) {
    Verdict verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();
    Optional<Run> run = verdict instanceof Verdict.Finished f ? f.run() : verdict instanceof Verdict.Stalled s ? s.run()
        : verdict instanceof Verdict.InProgress p ? p.run() : Optional.empty();
    Optional<Instance> instance = Diagnoser.instanceOf(verdict);
    Statistics.label("verdict").collect(verdict.getClass().getSimpleName() + (run.isPresent() ? "+run" : "")
        + (instance.isPresent() ? "+instance" : ""));
    if (run.isPresent() && instance.isPresent()) {
      assertThat(instance.get().launchTime()).isBeforeOrEqualTo(run.get().firstSentAt());
    }
  }

  /** An old run's final message never judges a newer instance: that instance's own evidence does. */
  @Property(tries = 10000)
  void aNewerInstanceIsJudgedOnItsOwnEvidence(@ForAll("worlds") Observation seen) {
    Verdict verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();
    Optional<Instance> newest = Diagnoser.latestInstance(seen);
    Optional<Run> newestRun = Run.of(Diagnoser.messages(seen)).stream().reduce((a, b) -> b);
    if (newest.isEmpty() || newestRun.isEmpty() || !newest.get().launchTime().isAfter(newestRun.get().firstSentAt())) {
      return;
    }
    Statistics.label("newer instance").collect(verdict.getClass().getSimpleName());
    assertThat(Diagnoser.instanceOf(verdict)).contains(newest.get());
    if (verdict instanceof Verdict.Finished f) {
      assertThat(f.run()).as("the old run's end is not the newer instance's").isEmpty();
      assertThat(f.source()).isNotEqualTo(Optional.of(ExitStatusSource.SqsMessage));
    }
  }

  /** systemd active on the instance judged means a run is in progress (or stalled), never ended or orphaned. */
  @Property(tries = 10000)
  void systemdActiveIsARunInProgressWhateverTheQueueSays(@ForAll("worlds") Observation seen) {
    Verdict verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();
    Optional<Instance> instance = Diagnoser.instanceOf(verdict);
    boolean active = instance.flatMap(i -> Diagnoser.systemdOf(seen, i))
        .filter(s -> s.unit() == SystemdState.Unit.RUNNING).isPresent();
    Statistics.label("systemd active on the instance judged").collect(active);
    if (active) {
      assertThat(verdict).isInstanceOfAny(Verdict.InProgress.class, Verdict.Stalled.class);
    }
  }

  /** Another instance's stream never supplies an exit status, nor evidence lines. */
  @Property(tries = 10000)
  void anotherInstancesStreamNeverSuppliesAnExitStatus(@ForAll("worlds") Observation seen) {
    Diagnosis diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);
    Optional<String> stream = seen.log().seenValue().map(l -> l.logStream());
    Optional<String> judged = Diagnoser.instanceOf(diagnosis.verdict()).map(Instance::id);
    boolean own = stream.isPresent() && stream.equals(judged);
    Statistics.label("log stream").collect(stream.isEmpty() ? "none" : own ? "own" : "another's");
    if (diagnosis.verdict() instanceof Verdict.Finished f && f.source().filter(s -> s == ExitStatusSource.Log).isPresent()) {
      assertThat(own).as("an exit status from the log comes from the run's own stream").isTrue();
    }
    if (!own) {
      assertThat(diagnosis.log()).isEmpty();
    }
    diagnoser.needs(seen, SETTINGS, NOW).logStream().ifPresent(asked -> assertThat(RunWorldsIds.of(seen)).contains(asked));
  }

  /**
   * A unit that never started is not stopped by systemd's word, one that is not loaded never is, and a stop confirmed
   * earlier no longer counts once systemd reports the unit active again.
   */
  @Property(tries = 10000)
  void onlyAnEndedUnitOrAStopNotUndoneSinceIsStopped(@ForAll("worlds") Observation seen,
      @ForAll("stops") List<ActionRecord> history) {
    for (Instance instance : seen.instances().seenValue().orElseThrow()) {
      boolean stopped = Planner.serviceStopped(seen, instance, history);
      Optional<SystemdState> systemd = Diagnoser.systemdOf(seen, instance);
      Optional<ActionRecord> lastStop = history.stream()
          .filter(r -> r.target().startsWith(instance.id() + "/")).findFirst();
      boolean stoppedByUs = lastStop.filter(r -> r.outcome() == ActionOutcome.Succeeded).isPresent();
      SystemdState.Unit unit = systemd.map(SystemdState::unit).orElse(SystemdState.Unit.UNKNOWN);
      Statistics.label("unit").collect(unit + (stoppedByUs ? "+stopped by us" : ""));
      switch (unit) {
        case NOT_LOADED -> assertThat(stopped).as("not loaded is a finding, not stopped").isFalse();
        case NEVER_STARTED, UNKNOWN, UNREACHABLE -> assertThat(stopped).isEqualTo(stoppedByUs);
        case ENDED -> assertThat(stopped).isTrue();
        case RUNNING -> {
          boolean activeSinceStop = lastStop.map(r -> systemd.get().askedAt().isAfter(r.time())).orElse(true);
          assertThat(stopped).isEqualTo(stoppedByUs && !activeSinceStop);
        }
      }
    }
  }

  /** Nothing is purged, stopped or terminated on the word of a unit that is not loaded or an instance SSM cannot reach. */
  @Property(tries = 10000)
  void noActionRestsOnAnUnloadedUnitOrAnUnreachableInstance(@ForAll("worlds") Observation seen,
      @ForAll("stops") List<ActionRecord> history) {
    Plan plan = planner.plan(diagnoser.diagnose(seen, SETTINGS, NOW), seen, SETTINGS, Optional.empty(), history, NOW);
    Optional<Step> next = plan.next();
    Statistics.label("next").collect(next.map(s -> s.action().name()).orElse("none"));
    if (next.isEmpty()) {
      return;
    }
    Optional<SystemdState> systemd = seen.systemd().seenValue();
    boolean finding = systemd.filter(s -> s.unit() == SystemdState.Unit.NOT_LOADED
        || s.unit() == SystemdState.Unit.UNREACHABLE).isPresent();
    if (finding && next.get().action() == ActionType.StopService) {
      assertThat(next.get().target()).doesNotStartWith(systemd.get().instanceId() + "/");
    }
    if (next.get().action() == ActionType.PurgeQueue || next.get().action() == ActionType.TerminateInstance) {
      for (Instance i : seen.instances().seenValue().orElseThrow()) {
        if (i.state().mayRun()) {
          assertThat(Planner.serviceStopped(seen, i, history)).as(i.id() + " confirmed stopped").isTrue();
          Optional<SystemdState> said = Diagnoser.systemdOf(seen, i);
          assertThat(said.map(SystemdState::unit)).isNotEqualTo(Optional.of(SystemdState.Unit.NOT_LOADED));
          if (said.filter(x -> x.unit() == SystemdState.Unit.RUNNING).isPresent()) {
            // Only an answer older than the operator's own confirmed stop (answers are kept for a while).
            Optional<ActionRecord> stop = history.stream().filter(r -> r.target().startsWith(i.id() + "/")).findFirst();
            assertThat(stop.map(ActionRecord::time))
                .hasValueSatisfying(t -> assertThat(said.get().askedAt()).isBeforeOrEqualTo(t));
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<Observation> worlds() {
    return RunWorlds.observations();
  }

  /** The operator's stops, newest first, on any instance, with any outcome. */
  @Provide
  Arbitrary<List<ActionRecord>> stops() {
    Arbitrary<ActionRecord> stop = Combinators.combine(Arbitraries.of("i-1", "i-2", "i-3"),
            Arbitraries.of(ActionOutcome.Succeeded, ActionOutcome.Failed, ActionOutcome.Inconclusive),
            Arbitraries.integers().between(1, 30))
        .as((id, outcome, minutes) -> new ActionRecord(NOW.minus(Duration.ofMinutes(minutes)), ActionType.StopService,
            id + "/bfd-db-migrator.service", outcome, Optional.empty(), "f", "generated", Optional.of("c"), List.of()));
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<ActionRecord>of())),
        Tuple.of(2, stop.list().ofMaxSize(3).map(l -> l.stream().sorted(Comparator.comparing(ActionRecord::time)
            .reversed()).toList())));
  }

  /** The instance ids of a world. */
  private static final class RunWorldsIds {
    static List<String> of(Observation seen) {
      return seen.instances().seenValue().orElseThrow().stream().map(Instance::id).toList();
    }
  }
}
