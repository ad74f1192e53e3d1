package gov.cms.bfd.migrator.operator.report;

import static gov.cms.bfd.migrator.operator.observe.Observations.anObservation;
import static gov.cms.bfd.migrator.operator.observe.Observations.nativeMessage;
import static gov.cms.bfd.migrator.operator.observe.Observations.running;
import static gov.cms.bfd.migrator.operator.observe.Observations.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.RunMemory;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * S12: the operator's own clean-up never erases what it knew. After its purge (or termination) removed the last run's
 * messages (or instance), MigrationSucceeded, lastRun and failureMode still tell that run, from the ledger, until a
 * newer run appears.
 */
class LastRunMemoryTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Instant PURGED = NOW.minus(Duration.ofMinutes(3));
  private static final Settings SETTINGS = SettingsFixtures.defaults("test");
  private final StatusComposer composer = new StatusComposer();
  private final Diagnoser diagnoser = new Diagnoser();

  private static ActionRecord cleanUp(ActionType action, ActionOutcome outcome, RunMemory run) {
    return new ActionRecord(PURGED, action, action == ActionType.PurgeQueue ? "https://sqs/q" : "i-1", outcome,
        Optional.empty(), "f", "done", Optional.of("called"), List.of("native pid 5046 #14 Finished"), Optional.of(run));
  }

  private static RunMemory run(int exitStatus) {
    return new RunMemory(Optional.of(5046L), Optional.of(MessageFormat.Native), Optional.of("i-1"),
        Optional.of(exitStatus), Optional.of(ExitStatusSource.SqsMessage), Optional.of(exitStatus == 0 ? "Finished" : "Failed"),
        exitStatus == 2 ? Optional.of("V20240528145630581__Add_column.sql") : Optional.empty(), Optional.empty(),
        Optional.of("2026-11-26T11:20:00Z"), Optional.of("2026-11-26T11:30:00Z"), Optional.empty());
  }

  private MigratorDeploymentStatus compose(Observation seen, List<ActionRecord> history, MigratorDeploymentStatus prior) {
    var input = new Input("ns", "test", 1, Map.of(), new Input.Resolved.Valid(SETTINGS),
        new Input.Prior(false, false, history), NOW);
    return composer.compose(input, prior, seen, diagnoser.diagnose(seen, SETTINGS, NOW), Optional.empty(), history);
  }

  private static Condition condition(MigratorDeploymentStatus status, String type) {
    return status.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
  }

  @Test
  void afterItsOwnPurgeOfALeftoverSuccessTheRunStaysSucceeded() {
    var clean = anObservation(NOW).instance(terminated("i-1", NOW.minus(Duration.ofMinutes(50)))).build();

    var status = compose(clean, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(0))), null);

    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).status).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.SUCCEEDED);
    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).message).contains("pid 5046")
        .contains("purge of the queue");
    assertThat(status.lastRun.pid).isEqualTo(5046L);
    assertThat(status.lastRun.exitStatus).isZero();
    assertThat(status.failureMode).isEqualTo(FailureMode.None);
    assertThat(condition(status, ConditionTypes.DEPLOYABLE).status).isEqualTo("True");
  }

  @Test
  void afterAnApprovedPurgeOfAFailureTheFailureStaysAndSaysItStillNeedsAFix() {
    var clean = anObservation(NOW).build();

    var status = compose(clean, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(2))), null);

    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.MIGRATION_FAILED);
    assertThat(status.failureMode).isEqualTo(FailureMode.MigrationFailed);
    assertThat(status.runbook.section).isEqualTo("Migration Failed (2)");
    assertThat(status.lastRun.migrationFile).isEqualTo("V20240528145630581__Add_column.sql");
    assertThat(status.runbook.nextSteps.get(0)).contains("pid 5046").contains("exit status 2")
        .contains("still needs a fix");
    // The gate is what the queue and the instances say: open.
    assertThat(condition(status, ConditionTypes.DEPLOYABLE).status).isEqualTo("True");
    assertThat(condition(status, ConditionTypes.READY).status).isEqualTo("True");
  }

  @Test
  void afterItsOwnTerminationTheRunStays() {
    var gone = anObservation(NOW).instance(terminated("i-1", NOW.minus(Duration.ofMinutes(50)))).build();

    var status = compose(gone, List.of(cleanUp(ActionType.TerminateInstance, ActionOutcome.Succeeded, run(0))), null);

    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.SUCCEEDED);
    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).message).contains("termination of i-1");
  }

  @Test
  void anInstanceLeftBehindByTheSameRunKeepsTheRememberedVerdict() {
    // The purge removed the messages; i-1 (launched before the purge) is still there and says nothing.
    var orphaned = anObservation(NOW).instance(running("i-1", NOW.minus(Duration.ofMinutes(50)))).build();

    var status = compose(orphaned, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(0))), null);

    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.SUCCEEDED);
    assertThat(status.lastRun.pid).isEqualTo(5046L);
  }

  @Test
  void aNewerRunReplacesTheRememberedOne() {
    var newer = anObservation(NOW).instance(running("i-2", NOW.minus(Duration.ofMinutes(1)))).build();
    var newerMessages = anObservation(NOW).message(nativeMessage(6001, 1, "Started", NOW.minusSeconds(30))).build();

    var byInstance = compose(newer, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(0))), null);
    var byMessages = compose(newerMessages, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(0))), null);

    assertThat(condition(byInstance, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.IN_PROGRESS);
    // pid 6001's message, and no instance: it ended without a final message. Its verdict, not pid 5046's.
    assertThat(condition(byMessages, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.UNKNOWN_EXIT_STATUS);
    assertThat(byMessages.lastRun.pid).isEqualTo(6001L);
  }

  @Test
  void aRunThatCameAndWentWhileTheOperatorWatchedIsNotForgottenForAnOlderOne() {
    var clean = anObservation(NOW).build();
    var prior = new MigratorDeploymentStatus();
    prior.lastRun = LastRuns.bean(run(0));
    prior.lastRun.pid = 6001L;
    prior.lastRun.lastProgressTime = NOW.minusSeconds(60).toString(); // after the purge

    var status = compose(clean, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(2))), prior);

    assertThat(status.lastRun.pid).isEqualTo(6001L);
    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.NO_RESULT_YET);
  }

  @Test
  void aPurgeThatFailedRemovedNothingAndRemembersNothing() {
    var clean = anObservation(NOW).build();

    var status = compose(clean, List.of(cleanUp(ActionType.PurgeQueue, ActionOutcome.Failed, run(0))), null);

    assertThat(condition(status, ConditionTypes.MIGRATION_SUCCEEDED).reason).isEqualTo(Reasons.NO_RESULT_YET);
  }

  @Test
  void theLedgerKeepsTheRunThroughItsStoredForm() {
    var record = cleanUp(ActionType.PurgeQueue, ActionOutcome.Succeeded, run(2));

    var back = Histories.from(Histories.toLedger(List.of(record), NOW));

    assertThat(back).singleElement().satisfies(r -> assertThat(r.run()).isEqualTo(record.run()));
  }
}
