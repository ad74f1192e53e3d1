package gov.cms.bfd.migrator.operator.plan;

import static gov.cms.bfd.migrator.operator.observe.Observations.anObservation;
import static gov.cms.bfd.migrator.operator.observe.Observations.nativeMessage;
import static gov.cms.bfd.migrator.operator.observe.Observations.running;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.observe.SystemdStates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What systemd's answer allows the planner (DESIGN §3): a unit that never started is not "stopped", a unit that is not
 * loaded is a finding, an instance SSM does not manage is reached over SSH by a person, and a stop confirmed earlier
 * no longer counts once systemd reports the unit active again.
 */
class SystemdRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.with(SettingsFixtures.defaults("test"),
      new Settings.Remediation(RemediationMode.Auto, true, true, false, AfterFailure.Approve, 10));
  private static final Instance I1 = running("i-1", NOW.minus(Duration.ofMinutes(40)));
  private final Planner planner = new Planner();

  /** A successful run's leftover message on i-1, still running: the purge waits until the service is stopped. */
  private static Observation leftoverWith(SystemdState systemd) {
    return anObservation(NOW).instance(I1).message(nativeMessage(5046, 14, "Finished", NOW.minus(Duration.ofMinutes(30))))
        .systemd(systemd).build();
  }

  private static ActionRecord stop(Instant at, ActionOutcome outcome) {
    return new ActionRecord(at, ActionType.StopService, "i-1/bfd-db-migrator.service", outcome, Optional.empty(), "f",
        "stopped", Optional.of("c-1"), List.of());
  }

  private Plan plan(Observation seen, List<ActionRecord> history) {
    return planner.plan(new Diagnoser().diagnose(seen, SETTINGS, NOW), seen, SETTINGS, Optional.empty(), history, NOW);
  }

  @Test
  void aUnitThatNeverStartedIsNotStopped() {
    var seen = leftoverWith(SystemdStates.neverStarted("i-1", NOW));

    assertThat(Planner.serviceStopped(seen, I1, List.of())).isFalse();
    var plan = plan(seen, List.of());
    assertThat(plan.next()).map(Step::action).contains(ActionType.StopService);
    assertThat(plan.steps()).anySatisfy(s -> {
      assertThat(s.action()).isEqualTo(ActionType.PurgeQueue);
      assertThat(s.ready()).isFalse();
    });
  }

  @Test
  void aUnitThatRanAndEndedIsStopped() {
    var seen = leftoverWith(SystemdStates.exited("i-1", NOW, 0));

    assertThat(Planner.serviceStopped(seen, I1, List.of())).isTrue();
    assertThat(plan(seen, List.of()).next()).map(Step::action).contains(ActionType.PurgeQueue);
  }

  @Test
  void aUnitThatIsNotLoadedIsAFindingForAPersonNotSomethingToStop() {
    var seen = leftoverWith(SystemdStates.notLoaded("i-1", NOW));

    assertThat(Planner.serviceStopped(seen, I1, List.of())).isFalse();
    // Even a stop the operator recorded earlier does not make a unit that is not there "stopped".
    assertThat(Planner.serviceStopped(seen, I1, List.of(stop(NOW.minusSeconds(600), ActionOutcome.Succeeded)))).isFalse();
    var plan = plan(seen, List.of());
    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps().get(0)).satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.StopService);
      assertThat(s.state()).isEqualTo(ActionState.Blocked);
      assertThat(s.clearsByItself()).as("only a person moves it on").isFalse();
      assertThat(s.blockedBy().orElseThrow()).contains("LoadState=not-found").contains("service.unit");
    });
  }

  @Test
  void anInstanceSsmDoesNotManageIsStoppedByAPersonOverSsh() {
    var seen = leftoverWith(SystemdStates.unreachable("i-1", NOW));

    var plan = plan(seen, List.of());

    assertThat(plan.next()).isEmpty();
    assertThat(plan.mover()).contains(Plan.Mover.PERSON);
    assertThat(plan.steps().get(0).blockedBy().orElseThrow()).contains("not reachable through SSM").contains("SSH");
  }

  @Test
  void aStopConfirmedEarlierNoLongerCountsOnceSystemdReportsTheUnitActiveAgain() {
    var stopped = stop(NOW.minus(Duration.ofMinutes(5)), ActionOutcome.Succeeded);

    var activeAgain = leftoverWith(SystemdStates.running("i-1", NOW.minus(Duration.ofMinutes(1))));
    var activeBefore = leftoverWith(SystemdStates.running("i-1", NOW.minus(Duration.ofMinutes(6))));

    assertThat(Planner.serviceStopped(activeAgain, I1, List.of(stopped))).as("active since the stop").isFalse();
    assertThat(Planner.serviceStopped(activeBefore, I1, List.of(stopped)))
        .as("an answer from before the stop (kept for a while) is older than the stop").isTrue();
    var askedWhenItStopped = leftoverWith(SystemdStates.running("i-1", stopped.time()));
    assertThat(Planner.serviceStopped(askedWhenItStopped, I1, List.of(stopped)))
        .as("read in the reconcile that stopped it, before the stop: no second stop").isTrue();
  }

  @Test
  void aStopThatFailedConfirmsNothing() {
    var seen = leftoverWith(SystemdStates.silent("i-1", NOW));

    assertThat(Planner.serviceStopped(seen, I1, List.of(stop(NOW.minusSeconds(60), ActionOutcome.Failed)))).isFalse();
    var plan = plan(seen, List.of(stop(NOW.minusSeconds(60), ActionOutcome.Failed)));
    assertThat(plan.steps().get(0).blockedBy().orElseThrow()).contains("Failed").contains("check the service by hand");
  }
}
