package gov.cms.bfd.migrator.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Named examples of the planner's decisions; SafetyProperties proves the invariants in general. */
class PlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.defaults("test");
  private final Planner planner = new Planner();
  private final Observation failedRun = Observation.basic(NOW, Observed.seen(new QueueState.Present("https://sqs/q", 1, 0, 0,
      List.of(new RawMessage("m-1", "{\"pid\":\"42\",\"code\":\"exited\",\"status\":\"2\"}", NOW.minusSeconds(600))), false)),
      Observed.seen(List.of()));

  @Test
  void purgingAFailedRunsEvidenceWaitsForAPersonEvenInAuto() {
    var plan = plan(Optional.empty(), List.of());

    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.PurgeQueue);
      assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval);
    });
  }

  @Test
  void anApprovalOfTheCurrentFingerprintMakesItReadyWithTheApprover() {
    String fingerprint = plan(Optional.empty(), List.of()).fingerprint();

    var plan = plan(Optional.of(new Approval(fingerprint, "alice")), List.of());

    assertThat(plan.next()).hasValueSatisfying(s -> assertThat(s.approvedBy()).contains("alice"));
  }

  @Test
  void anApprovalIsUsedOnce() {
    String fingerprint = plan(Optional.empty(), List.of()).fingerprint();
    var used = new ActionRecord(NOW.minusSeconds(7200), ActionType.PurgeQueue, "https://sqs/q", ActionOutcome.Succeeded,
        Optional.of("alice"), fingerprint, "done", Optional.empty(), List.of());

    var plan = plan(Optional.of(new Approval(fingerprint, "alice")), List.of(used));

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps().get(0).state()).isEqualTo(ActionState.AwaitingApproval);
  }

  @Test
  void aStaleApprovalDoesNothingAndSaysSo() {
    var plan = plan(Optional.of(new Approval("0000000000000000", "alice")), List.of());

    assertThat(plan.next()).isEmpty();
    assertThat(plan.staleApproval()).hasValueSatisfying(s -> assertThat(s).contains("does nothing"));
    assertThat(plan.steps().get(0).blockedBy()).hasValueSatisfying(s -> assertThat(s).contains("0000000000000000"));
  }

  private Plan plan(Optional<Approval> approval, List<ActionRecord> history) {
    return planner.plan(new Diagnoser().diagnose(failedRun, SETTINGS, NOW), failedRun, SETTINGS, approval, history, NOW);
  }
}
