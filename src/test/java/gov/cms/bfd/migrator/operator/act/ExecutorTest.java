package gov.cms.bfd.migrator.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.CommandPort;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.plan.Step;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Acting and verifying, with the AWS answers moto does not emulate: PurgeQueueInProgress, SSM's delivery statuses. */
class ExecutorTest {

  private static final AwsTarget TARGET = new AwsTarget("us-east-1", Optional.empty());
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  private final FakeAws aws = new FakeAws();
  private final Executor executor = new Executor(aws, aws, Executor.AWS_PURGE_WINDOW,
      Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void purgeQueueInProgress_isAWaitNotAFailure() {
    aws.purgeInProgress = true;

    var after = executor.execute(step(ActionType.PurgeQueue, "https://sqs/q"), intent(ActionType.PurgeQueue, "https://sqs/q"),
        TARGET);

    assertThat(after.outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(after.detail()).contains("already in progress").contains("not a failure");
    assertThat(executor.verify(List.of(after), queue(1), TARGET, T0.plusSeconds(30)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(30)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(61)).get(0).outcome()).isEqualTo(ActionOutcome.Succeeded);
    assertThat(executor.verify(List.of(after), queue(1), TARGET, T0.plusSeconds(61)).get(0).outcome()).isEqualTo(ActionOutcome.Inconclusive);
  }

  @Test
  void purgeIsSucceededOnlyWhenTheQueueIsSeenEmptyAfterAwsSixtySecondWindow() {
    var called = intent(ActionType.PurgeQueue, "https://sqs/q").withReference(Verification.CALLED, "accepted")
        .answered(T0);

    assertThat(executor.verify(List.of(called), queue(1), TARGET, T0.plusSeconds(10)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(called), queue(0), TARGET, T0.plusSeconds(10)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(called), queue(0), TARGET, T0.plusSeconds(60)).get(0).outcome()).isEqualTo(ActionOutcome.Succeeded);
    assertThat(executor.verify(List.of(called), queue(1), TARGET, T0.plusSeconds(120)).get(0).outcome()).isEqualTo(ActionOutcome.Inconclusive);
  }

  @Test
  void thePurgeWindowIsCountedFromTheAnswer_AwsHadTheCallByThenNotWhenTheIntentWasRecorded() {
    var slow = new Executor(aws, aws, Executor.AWS_PURGE_WINDOW, Clock.fixed(T0.plusSeconds(8), ZoneOffset.UTC));

    var after = slow.execute(step(ActionType.PurgeQueue, "https://sqs/q"), intent(ActionType.PurgeQueue, "https://sqs/q"),
        TARGET);

    assertThat(after.answeredAt()).contains(T0.plusSeconds(8));
    assertThat(after.detail()).contains("accepted at " + T0.plusSeconds(8));
    assertThat(slow.purgeJudgeableAt(List.of(after), T0.plusSeconds(8))).contains(T0.plusSeconds(68));
    assertThat(slow.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(62)).get(0).outcome())
        .as("60 s after the intent, AWS's window is still open").isEqualTo(ActionOutcome.Pending);
    assertThat(slow.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(68)).get(0).outcome())
        .isEqualTo(ActionOutcome.Succeeded);
  }

  @Test
  void anAnswerStoredAsEarlierThanItsIntentDoesNotEndTheWindowEarly() {
    var forged = intent(ActionType.PurgeQueue, "https://sqs/q").withReference(Verification.CALLED, "accepted")
        .answered(T0.minusSeconds(3600));

    assertThat(forged.calledBy(Executor.UNANSWERED_REACH)).as("counts as no answer")
        .isEqualTo(T0.plus(Executor.UNANSWERED_REACH));
    assertThat(executor.verify(List.of(forged), queue(0), TARGET, T0.plusSeconds(90)).get(0).outcome())
        .isEqualTo(ActionOutcome.Pending);
  }

  @Test
  void aPendingPurgeCanBeJudgedWhenItsWindowEnds_theEarliestOfSeveral() {
    var later = new ActionRecord(T0.plusSeconds(30), ActionType.PurgeQueue, "https://sqs/q", ActionOutcome.Pending,
        Optional.empty(), "f", "intent", Optional.of(Verification.CALLED), List.of()).answered(T0.plusSeconds(30));
    var earlier = intent(ActionType.PurgeQueue, "https://sqs/q").withReference(Verification.CALLED, "accepted")
        .answered(T0);
    var unanswered = intent(ActionType.PurgeQueue, "https://sqs/q");
    var judged = earlier.with(ActionOutcome.Succeeded, "seen empty");
    var stop = intent(ActionType.StopService, "i-1/u.service");

    assertThat(executor.purgeJudgeableAt(List.of(later, earlier, stop), T0)).contains(T0.plusSeconds(60));
    assertThat(executor.purgeJudgeableAt(List.of(later, earlier, stop), T0.plusSeconds(60)))
        .as("a window over when the reconcile started was judged by it").contains(T0.plusSeconds(90));
    assertThat(executor.purgeJudgeableAt(List.of(later, judged), T0)).contains(T0.plusSeconds(90));
    assertThat(executor.purgeJudgeableAt(List.of(judged, stop), T0)).isEmpty();
    assertThat(executor.purgeJudgeableAt(List.of(unanswered), T0)).as("no answer recorded: the call may have reached"
        + " AWS until UNANSWERED_REACH after the intent").contains(T0.plus(Executor.UNANSWERED_REACH).plusSeconds(60));
  }

  @Test
  void aMessageSentInsideThePurgeWindowIsRecordedAsPossiblyDeletedOnce() {
    var called = intent(ActionType.PurgeQueue, "https://sqs/q").withReference(Verification.CALLED, "accepted");

    var seenOnce = executor.verify(List.of(called), queue(1), TARGET, T0.plusSeconds(20)).get(0);
    var seenTwice = executor.verify(List.of(seenOnce), queue(1), TARGET, T0.plusSeconds(40)).get(0);

    assertThat(seenOnce.evidence()).singleElement().asString().startsWith(Verification.WINDOW).contains("unrecognized m-0");
    assertThat(seenTwice.evidence()).isEqualTo(seenOnce.evidence());
    assertThat(seenTwice.outcome()).isEqualTo(ActionOutcome.Pending);
  }

  @Test
  void anIntentWhoseCallMayNeverHaveBeenMadeIsNeverMadeAgainBlindly() {
    var intent = intent(ActionType.PurgeQueue, "https://sqs/q"); // no reference: the operator stopped before the call

    // Inside AWS's window the call may have been made and AWS may still be deleting: nothing final yet. The call may
    // have reached AWS until UNANSWERED_REACH after the intent, and its window is counted from there.
    var early = executor.verify(List.of(intent), queue(1), TARGET, T0.plusSeconds(5)).get(0);
    var windowFromTheIntent = executor.verify(List.of(intent), queue(1), TARGET, T0.plus(Verification.PURGE_PATIENCE))
        .get(0);
    var verified = executor.verify(List.of(intent), queue(1), TARGET,
        T0.plus(Executor.UNANSWERED_REACH).plus(Verification.PURGE_PATIENCE)).get(0);

    assertThat(early.outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(windowFromTheIntent.outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(verified.outcome()).isEqualTo(ActionOutcome.Inconclusive);
    assertThat(verified.detail()).contains("may never have been made");
    assertThat(aws.calls).isEmpty();
  }

  @Test
  void anIntentWhoseCallRanBeforeARestartIsSucceededOnceAwsHasDeleted() {
    // The operator was killed after AWS accepted the purge and before it heard back: a successor sees the messages
    // still there for a while (a purge takes up to 60 seconds), then gone.
    var intent = intent(ActionType.PurgeQueue, "https://sqs/q");

    var stillDeleting = executor.verify(List.of(intent), queue(1), TARGET, T0.plusSeconds(5)).get(0);
    var emptyEarly = executor.verify(List.of(stillDeleting), queue(0), TARGET, T0.plusSeconds(61)).get(0);
    var deleted = executor.verify(List.of(stillDeleting), queue(0), TARGET,
        T0.plus(Executor.UNANSWERED_REACH).plusSeconds(60)).get(0);

    assertThat(stillDeleting.outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(emptyEarly.outcome()).as("61 s after the intent: the call may have reached AWS later, and AWS may"
        + " still delete what a deployment launched now sends").isEqualTo(ActionOutcome.Pending);
    assertThat(deleted.outcome()).isEqualTo(ActionOutcome.Succeeded);
    assertThat(aws.calls).isEmpty();
  }

  @Test
  void aPurgeThatGotNoAnswerIsVerifiedByObservationNotRepeatedNorCalledFailed() {
    aws.unanswered = true;

    var after = executor.execute(step(ActionType.PurgeQueue, "https://sqs/q"), intent(ActionType.PurgeQueue, "https://sqs/q"),
        TARGET);

    assertThat(after.outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(after.reference()).contains(Verification.UNANSWERED);
    assertThat(after.detail()).contains("no answer").contains("verifying by observation");
    assertThat(executor.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(3)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(after), queue(0), TARGET, T0.plusSeconds(63)).get(0).outcome()).isEqualTo(ActionOutcome.Succeeded);
    assertThat(executor.verify(List.of(after), queue(1), TARGET, T0.plusSeconds(30)).get(0).outcome()).isEqualTo(ActionOutcome.Pending);
    var late = executor.verify(List.of(after), queue(1), TARGET, T0.plusSeconds(120)).get(0);
    assertThat(late.outcome()).isEqualTo(ActionOutcome.Inconclusive);
    assertThat(late.detail()).contains("got no answer");
    assertThat(aws.calls).hasSize(1);
  }

  @Test
  void aPurgeAnsweredWithAnErrorIsFailed() {
    aws.error = true;

    var after = executor.execute(step(ActionType.PurgeQueue, "https://sqs/q"), intent(ActionType.PurgeQueue, "https://sqs/q"),
        TARGET);

    assertThat(after.outcome()).isEqualTo(ActionOutcome.Failed);
    assertThat(after.detail()).contains("InternalError");
  }

  @Test
  void aStopThatGotNoAnswerIsInconclusiveForAPersonToCheck() {
    aws.unanswered = true;

    var after = executor.execute(step(ActionType.StopService, "i-1/bfd-db-migrator.service"),
        intent(ActionType.StopService, "i-1/bfd-db-migrator.service"), TARGET);

    assertThat(after.outcome()).isEqualTo(ActionOutcome.Inconclusive);
    assertThat(after.detail()).contains("may or may not have been sent").contains("check the service by hand");
  }

  @Test
  void stopServiceReadsTheStateBackAfterTheCommand() {
    var sent = executor.execute(step(ActionType.StopService, "i-1/bfd-db-migrator.service"),
        intent(ActionType.StopService, "i-1/bfd-db-migrator.service"), TARGET);
    aws.invocation = new CommandPort.Invocation("Success", "ActiveState=inactive\nExecMainStatus=143\nExecMainCode=2\n", "");

    var verified = executor.verify(List.of(sent), queue(0), TARGET, T0.plusSeconds(5)).get(0);

    assertThat(aws.calls).containsExactly("SendCommand i-1 bfd-db-migrator.service");
    assertThat(verified.outcome()).isEqualTo(ActionOutcome.Succeeded);
  }

  @Test
  void ssmStatusesMotoDoesNotEmulate_areInconclusive() {
    for (String status : List.of("DeliveryTimedOut", "Undeliverable", "TimedOut", "Cancelled")) {
      var sent = intent(ActionType.StopService, "i-1/u.service").withReference("c-1", "sent");
      aws.invocation = new CommandPort.Invocation(status, "", "");
      assertThat(executor.verify(List.of(sent), queue(0), TARGET, T0.plusSeconds(5)).get(0).outcome()).as(status)
          .isEqualTo(ActionOutcome.Inconclusive);
    }
    var success = intent(ActionType.StopService, "i-1/u.service").withReference("c-1", "sent");
    aws.invocation = new CommandPort.Invocation("Success", "", "");
    assertThat(executor.verify(List.of(success), queue(0), TARGET, T0.plusSeconds(5)).get(0).outcome())
        .as("Success with no output").isEqualTo(ActionOutcome.Inconclusive);
    aws.invocation = new CommandPort.Invocation("Delayed", "", "");
    assertThat(executor.verify(List.of(success), queue(0), TARGET, T0.plusSeconds(5)).get(0).outcome())
        .as("Delayed, still within patience").isEqualTo(ActionOutcome.Pending);
    assertThat(executor.verify(List.of(success), queue(0), TARGET, T0.plusSeconds(600)).get(0).outcome())
        .as("Delayed for ten minutes").isEqualTo(ActionOutcome.Inconclusive);
  }

  /** The stop script ends with systemctl stop's exit status ({@code &&}): SSM's Failed is a stop that failed. */
  @Test
  void aStopThatFailsIsFailedNotSucceeded() {
    var sent = intent(ActionType.StopService, "i-1/u.service").withReference("c-1", "sent");
    aws.invocation = new CommandPort.Invocation("Failed", "",
        "Job for u.service failed because the control process exited with error code.\nSee \"systemctl status\"");

    var verified = executor.verify(List.of(sent), queue(0), TARGET, T0.plusSeconds(5)).get(0);

    assertThat(verified.outcome()).isEqualTo(ActionOutcome.Failed);
    assertThat(verified.detail()).contains("systemctl stop failed").contains("Job for u.service failed");
  }

  @Test
  void aStopOfAUnitThatIsNotLoadedStopsNothing() {
    var sent = intent(ActionType.StopService, "i-1/u.service").withReference("c-1", "sent");
    aws.invocation = new CommandPort.Invocation("Success", "LoadState=not-found\nActiveState=inactive\nExecMainPID=0\n"
        + "ExecMainCode=0\nExecMainStatus=0\n", "");

    assertThat(executor.verify(List.of(sent), queue(0), TARGET, T0.plusSeconds(5)).get(0).outcome())
        .isEqualTo(ActionOutcome.Failed);
  }

  @Test
  void stillActiveAfterStopIsAFailure() {
    var sent = intent(ActionType.StopService, "i-1/u.service").withReference("c-1", "sent");
    aws.invocation = new CommandPort.Invocation("Success", "ActiveState=active\nExecMainStatus=0\nExecMainCode=0\n", "");

    assertThat(executor.verify(List.of(sent), queue(0), TARGET, T0.plusSeconds(5)).get(0).outcome()).isEqualTo(ActionOutcome.Failed);
  }

  private static Step step(ActionType action, String target) {
    return new Step(action, target, "test", ActionState.Ready, Optional.empty(), Optional.empty(), true);
  }

  private static ActionRecord intent(ActionType action, String target) {
    return new ActionRecord(T0, action, target, ActionOutcome.Pending, Optional.empty(), "f", "intent", Optional.empty(), List.of());
  }

  private static Observation queue(int messages) {
    List<RawMessage> sample = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      sample.add(new RawMessage("m-" + i, "{}", T0));
    }
    return Observation.basic(T0, Observed.seen(new QueueState.Present("https://sqs/q", messages, 0, 0, sample, messages == 0)),
        Observed.seen(List.of()));
  }

  private static final class FakeAws implements RemediationPort, CommandPort {
    final List<String> calls = new ArrayList<>();
    boolean purgeInProgress;
    boolean unanswered;
    boolean error;
    Invocation invocation = new Invocation("InProgress", "", "");

    @Override
    public void purgeQueue(AwsTarget target, String queueUrl) {
      calls.add("PurgeQueue " + queueUrl);
      if (purgeInProgress) {
        throw new PurgeInProgressException(queueUrl);
      }
      fail("sqs", "PurgeQueue");
    }

    @Override
    public String stopService(AwsTarget target, String instanceId, String unit) {
      calls.add("SendCommand " + instanceId + " " + unit);
      fail("ssm", "SendCommand");
      return "c-1";
    }

    @Override
    public void terminateInstance(AwsTarget target, String instanceId) {
      calls.add("TerminateInstances " + instanceId);
    }

    private void fail(String service, String operation) {
      if (unanswered) {
        throw new UnansweredException(new AwsFailure(service, operation, AwsFailure.Kind.UNAVAILABLE,
            "ApiCallAttemptTimeoutException: HTTP request execution did not complete before the specified timeout"), null);
      }
      if (error) {
        throw new AwsCallException(new AwsFailure(service, operation, AwsFailure.Kind.UNAVAILABLE,
            "InternalError: We encountered an internal error"), null);
      }
    }

    @Override
    public String send(AwsTarget target, String instanceId, String shellCommand) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Invocation> invocation(AwsTarget target, String commandId, String instanceId) {
      return Optional.of(invocation);
    }
  }
}
