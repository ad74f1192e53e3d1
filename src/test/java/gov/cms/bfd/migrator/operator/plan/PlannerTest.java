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
  private static final String URL = "https://sqs/q";
  private static final RawMessage MESSAGE = new RawMessage("m-1", "{\"pid\":\"42\",\"code\":\"exited\",\"status\":\"2\"}",
      NOW.minusSeconds(600));
  private final Observation failedRun = failedRun(new QueueState.Present(URL, 1, 0, 0, List.of(MESSAGE), false));

  private static Observation failedRun(QueueState queue) {
    return Observation.basic(NOW, Observed.seen(queue), Observed.seen(List.of()));
  }

  private static QueueState browse(RawMessage... messages) {
    return new QueueState.Present(URL, messages.length, 0, 0, List.of(messages), false)
        .withBrowse(new QueueState.Browse(NOW, List.of(messages), true, messages.length, 0, 0));
  }

  @Test
  void purgingAFailedRunsEvidenceWaitsForAPersonEvenInAuto() {
    var plan = plan(Optional.empty(), List.of());

    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.PurgeQueue);
      assertThat(s.state()).isEqualTo(ActionState.AwaitingApproval);
    });
  }

  @Test
  void anApprovalOfTheCurrentFingerprintMakesItReadyWithTheApproverOnceTheWholeQueueIsRead() {
    String fingerprint = plan(Optional.empty(), List.of()).fingerprint();
    var approval = Optional.of(new Approval(fingerprint, "alice"));

    var unread = plan(approval, List.of());
    var read = plan(failedRun(browse(MESSAGE)), approval, List.of(), SETTINGS);

    assertThat(unread.next()).isEmpty();
    assertThat(unread.wantsBrowse()).isTrue();
    assertThat(read.fingerprint()).isEqualTo(fingerprint);
    assertThat(read.next()).hasValueSatisfying(s -> assertThat(s.approvedBy()).contains("alice"));
  }

  @Test
  void theFingerprintDoesNotChangeWithTheSubsetAShortPollReturned() {
    var other = new RawMessage("m-2", "{\"pid\":\"42\",\"code\":\"(null)\",\"status\":\"0/0\"}",
        NOW.minusSeconds(900));
    var oneSubset = failedRun(new QueueState.Present(URL, 2, 0, 0, List.of(MESSAGE), false));
    var anotherSubset = failedRun(new QueueState.Present(URL, 2, 0, 0, List.of(other, MESSAGE), false));

    assertThat(plan(oneSubset, Optional.empty(), List.of(), SETTINGS).fingerprint())
        .isEqualTo(plan(anotherSubset, Optional.empty(), List.of(), SETTINGS).fingerprint());
  }

  @Test
  void aSampleThatMissedTheFinalMessageIsReadWholeBeforeAnyoneIsAskedToApprove() {
    var progress = new RawMessage("m-5", "{\"appStage\":\"Migrating\",\"messageId\":9,\"pid\":42}", NOW.minusSeconds(700));
    var finished = new RawMessage("m-6", "{\"appStage\":\"Finished\",\"messageId\":10,\"pid\":42}", NOW.minusSeconds(690));
    var sampled = new QueueState.Present(URL, 2, 0, 0, List.of(progress), false);

    var unread = plan(failedRun(sampled), Optional.empty(), List.of(), SETTINGS);
    var read = plan(failedRun(sampled.withBrowse(new QueueState.Browse(NOW, List.of(progress, finished), true, 2, 0, 0))),
        Optional.empty(), List.of(), SETTINGS);

    assertThat(unread.wantsBrowse()).isTrue();
    assertThat(unread.steps().get(0).state()).isEqualTo(ActionState.Blocked);
    assertThat(read.next()).hasValueSatisfying(s -> assertThat(s.action()).isEqualTo(ActionType.PurgeQueue));
  }

  @Test
  void aMessageYoungerThanLeftoverAfterWaitsForThePipeline() {
    var fresh = new RawMessage("m-3", "{\"pid\":\"42\",\"code\":\"exited\",\"status\":\"0\"}", NOW.minusSeconds(40));
    var seen = failedRun(new QueueState.Present(URL, 1, 0, 0, List.of(fresh), false));

    var step = plan(seen, Optional.empty(), List.of(), SETTINGS).steps().get(0);

    assertThat(step.state()).isEqualTo(ActionState.Blocked);
    assertThat(step.clearsByItself()).isTrue();
    assertThat(step.blockedBy()).hasValueSatisfying(s -> assertThat(s).contains("timing.leftoverAfter (5m)")
        .contains("purging from " + NOW.plusSeconds(260)));
  }

  @Test
  void aMessageInFlightMeansAnotherReaderAndWaits() {
    var seen = failedRun(new QueueState.Present(URL, 0, 1, 0, List.of(), false));

    var step = plan(seen, Optional.empty(), List.of(), SETTINGS).steps().get(0);

    assertThat(step.state()).isEqualTo(ActionState.Blocked);
    assertThat(step.blockedBy()).hasValueSatisfying(s -> assertThat(s).contains("in flight"));
  }

  @Test
  void countsThatTellOfMessagesNoReceiveFindsPurgeNothing() {
    // The deploy pipeline has just read and deleted every message; SQS's counts still say 1 (they lag up to a minute).
    var lagging = new QueueState.Present(URL, 1, 0, 0, List.of(), false);
    var seen = failedRun(lagging.withBrowse(new QueueState.Browse(NOW, List.of(), true, 0, 0, 0)));

    var plan = plan(seen, Optional.empty(), List.of(), SETTINGS);

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.PurgeQueue);
      assertThat(s.state()).isEqualTo(ActionState.Blocked);
      assertThat(s.clearsByItself()).isTrue();
      assertThat(s.blockedBy()).hasValueSatisfying(b -> assertThat(b).contains("no receive found any")
          .contains("counts lag"));
    });
  }

  @Test
  void aQueueReadByCountsOnlyIsPurgedOnlyWithAnApproval() {
    var seen = failedRun(QueueState.Present.countsOnly(URL, 3, 0, 0, "{\"maxReceiveCount\":5}", false));

    var plan = plan(seen, Optional.empty(), List.of(), SETTINGS);

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps().get(0).state()).isEqualTo(ActionState.AwaitingApproval);
    assertThat(plan.steps().get(0).blockedBy()).hasValueSatisfying(s -> assertThat(s).contains("RedrivePolicy"));
  }

  @Test
  void aWholeQueueReadThatMissedMessagesNeedsAnApprovalEvenForASuccess() {
    var success = new RawMessage("m-4", "{\"pid\":\"42\",\"code\":\"exited\",\"status\":\"0\"}",
        NOW.minusSeconds(600));
    var present = new QueueState.Present(URL, 3, 0, 0, List.of(success), false);
    var seen = failedRun(present.withBrowse(new QueueState.Browse(NOW, List.of(success), true, 3, 0, 0)));

    var plan = plan(seen, Optional.empty(), List.of(), SETTINGS);

    assertThat(plan.next()).isEmpty();
    assertThat(plan.steps().get(0).state()).isEqualTo(ActionState.AwaitingApproval);
    assertThat(plan.steps().get(0).blockedBy()).hasValueSatisfying(s -> assertThat(s).contains("read 1 distinct message(s) of 3 counted"));
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
    return plan(failedRun, approval, history, SETTINGS);
  }

  private Plan plan(Observation seen, Optional<Approval> approval, List<ActionRecord> history, Settings settings) {
    return planner.plan(new Diagnoser().diagnose(seen, settings, NOW), seen, settings, approval, history, NOW);
  }
}
