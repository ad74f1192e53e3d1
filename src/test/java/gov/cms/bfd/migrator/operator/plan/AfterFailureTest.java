package gov.cms.bfd.migrator.operator.plan;

import static gov.cms.bfd.migrator.operator.observe.Observations.anObservation;
import static gov.cms.bfd.migrator.operator.observe.Observations.monitorExit;
import static gov.cms.bfd.migrator.operator.observe.Observations.nativeMessage;
import static gov.cms.bfd.migrator.operator.observe.Observations.stopped;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.RunMemory;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.SystemdStates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * S11: spec.remediation.afterFailure gates a termination as it gates a purge. An instance that holds a failed run's
 * evidence (for exit 1 the user-data and cloud-init files the next steps send a person to) is terminated only with
 * the approval a purge would need; a successful run's instance is not held back.
 */
class AfterFailureTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Instance I1 = stopped("i-1", NOW.minus(Duration.ofMinutes(90)));
  private final Planner planner = new Planner();

  private static Settings settings(AfterFailure afterFailure) {
    return SettingsFixtures.with(SettingsFixtures.defaults("test"),
        new Settings.Remediation(RemediationMode.Auto, true, true, true, afterFailure, 10));
  }

  /** Exit 1 sends no message: systemd on the (now stopped) instance told it; nothing is in the queue. */
  private static Observation exit1() {
    return anObservation(NOW).instance(stopped("i-1", I1.launchTime())).build();
  }

  private Plan plan(Observation seen, Settings settings, Optional<Approval> approval, List<ActionRecord> history) {
    return planner.plan(new Diagnoser().diagnose(seen, settings, NOW), seen, settings, approval, history, NOW);
  }

  private static Observation exit1Running() {
    return anObservation(NOW).instance(gov.cms.bfd.migrator.operator.observe.Observations.running("i-1",
        I1.launchTime())).systemd(SystemdStates.exited("i-1", NOW, 1)).build();
  }

  @Test
  void anExit1InstanceIsNotTerminatedInAutoWithoutTheApprovalAPurgeWouldNeed() {
    var plan = plan(exit1Running(), settings(AfterFailure.Approve), Optional.empty(), List.of());

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.TerminateInstance);
      assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval);
      assertThat(s.blockedBy().orElseThrow()).contains("destroys the evidence of a failed run").contains("afterFailure");
    });
  }

  @Test
  void anApprovalOfTheCurrentPlanTerminatesIt() {
    var settings = settings(AfterFailure.Approve);
    String fingerprint = plan(exit1Running(), settings, Optional.empty(), List.of()).fingerprint();

    var plan = plan(exit1Running(), settings, Optional.of(new Approval(fingerprint, "alice")), List.of());

    assertThat(plan.next()).hasValueSatisfying(s -> {
      assertThat(s.action()).isEqualTo(ActionType.TerminateInstance);
      assertThat(s.approvedBy()).contains("alice");
    });
  }

  @Test
  void afterFailureAutoTerminatesItByItself() {
    assertThat(plan(exit1Running(), settings(AfterFailure.Auto), Optional.empty(), List.of()).next())
        .map(Step::action).contains(ActionType.TerminateInstance);
  }

  @Test
  void aSucceededRunsInstanceIsTerminatedInAuto() {
    var seen = anObservation(NOW).instance(gov.cms.bfd.migrator.operator.observe.Observations.running("i-1",
        I1.launchTime())).systemd(SystemdStates.exited("i-1", NOW, 0)).build();

    assertThat(plan(seen, settings(AfterFailure.Approve), Optional.empty(), List.of()).next())
        .map(Step::action).contains(ActionType.TerminateInstance);
  }

  @Test
  void anInstanceWithoutAnyRunEvidenceIsTakenToHoldSome() {
    // Orphaned: whatever happened there is only on the instance now.
    var plan = plan(exit1(), settings(AfterFailure.Approve), Optional.empty(), List.of());

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps()).anySatisfy(s -> assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval));
  }

  @Test
  void anInstanceWhoseSucceededRunTheLedgerRemembersIsTerminatedInAuto() {
    // The operator purged pid 5046's Finished message; the instance it ran on is left, stopped, with nothing to tell.
    var purge = new ActionRecord(NOW.minus(Duration.ofMinutes(10)), ActionType.PurgeQueue, "https://sqs/q",
        ActionOutcome.Succeeded, Optional.empty(), "f", "purged", Optional.of("called"), List.of(),
        Optional.of(memory("i-1", 0)));

    assertThat(plan(exit1(), settings(AfterFailure.Approve), Optional.empty(), List.of(purge)).next())
        .map(Step::action).contains(ActionType.TerminateInstance);
  }

  @Test
  void anInstanceWhoseFailedRunTheLedgerRemembersWaitsForAPerson() {
    var purge = new ActionRecord(NOW.minus(Duration.ofMinutes(10)), ActionType.PurgeQueue, "https://sqs/q",
        ActionOutcome.Succeeded, Optional.of("alice"), "f", "purged", Optional.of("called"), List.of(),
        Optional.of(memory("i-1", 2)));

    assertThat(plan(exit1(), settings(AfterFailure.Approve), Optional.empty(), List.of(purge)).next()).isEmpty();
  }

  @Test
  void aPurgeOfAnEarlierRunsFailureNeedsTheApprovalEvenWhenTheNewestRunSucceeded() {
    // A Failed of pid 5046 is still in the queue beside pid 6001's Finished: purging removes the failure's evidence.
    var seen = anObservation(NOW).message(nativeMessage(5046, 9, "Failed", NOW.minus(Duration.ofMinutes(50))))
        .message(monitorExit("6001", 0, NOW.minus(Duration.ofMinutes(20)))).build();

    var plan = plan(seen, settings(AfterFailure.Approve), Optional.empty(), List.of());

    assertThat(plan.steps()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval));
  }

  @Test
  void anOldSuccessBesideANewerInstanceWithoutEvidenceIsPurgedByItselfAndThatInstanceWaitsForAPerson() {
    // pid 5046 finished before i-1 launched (so not on it); i-1 is stopped and tells nothing.
    var seen = anObservation(NOW).message(nativeMessage(5046, 14, "Finished", NOW.minus(Duration.ofMinutes(100))))
        .instance(I1).build();

    var plan = plan(seen, settings(AfterFailure.Approve), Optional.empty(), List.of());

    assertThat(plan.next()).map(Step::action).as("the purge removes only a success").contains(ActionType.PurgeQueue);

    // Purged: the ledger remembers pid 5046, which ran on no instance still listed; i-1 tells nothing of its own.
    var purge = new ActionRecord(NOW.minus(Duration.ofMinutes(2)), ActionType.PurgeQueue, "https://sqs/q",
        ActionOutcome.Succeeded, Optional.empty(), "f", "purged", Optional.of("called"), List.of(),
        Optional.of(new RunMemory(Optional.of(5046L), Optional.of(MessageFormat.Native), Optional.empty(),
            Optional.of(0), Optional.of(ExitStatusSource.SqsMessage), Optional.of("Finished"), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
    var after = plan(anObservation(NOW).instance(I1).build(), settings(AfterFailure.Approve), Optional.empty(),
        List.of(purge));
    assertThat(after.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.TerminateInstance);
      assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval);
    });
  }

  static RunMemory memory(String instanceId, int exitStatus) {
    return new RunMemory(Optional.of(5046L), Optional.of(MessageFormat.Native), Optional.of(instanceId),
        Optional.of(exitStatus), Optional.of(ExitStatusSource.SqsMessage), Optional.of("Finished"), Optional.empty(),
        Optional.empty(), Optional.of("2026-11-26T10:40:00Z"), Optional.of("2026-11-26T10:50:00Z"), Optional.empty());
  }
}
