package gov.cms.bfd.migrator.operator.diagnose;

import static gov.cms.bfd.migrator.operator.observe.Observations.anObservation;
import static gov.cms.bfd.migrator.operator.observe.Observations.log;
import static gov.cms.bfd.migrator.operator.observe.Observations.monitorExit;
import static gov.cms.bfd.migrator.operator.observe.Observations.nativeMessage;
import static gov.cms.bfd.migrator.operator.observe.Observations.running;
import static gov.cms.bfd.migrator.operator.observe.Observations.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.SystemdStates;
import gov.cms.bfd.migrator.operator.plan.Planner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run is identified by instance and pid (DESIGN §3): a message belongs to an instance only if it was sent after that
 * instance launched, systemd's answer and a log stream belong to their own instance (and to the process that ran
 * there then), and systemd {@code active} means a run is in progress whatever the queue says. Each example is a
 * situation a real account produces and the simple reading gets wrong.
 */
class RunIdentityTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Settings SETTINGS = SettingsFixtures.defaults("test"); // staleAfter 15m
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();

  private static Instant ago(int minutes) {
    return NOW.minus(Duration.ofMinutes(minutes));
  }

  @Test
  void anOldRunsFinalMessageIsNeverTiedToANewerInstance() {
    // pid 5046 finished on an instance long gone; a deployment has just launched i-2, whose migrator is starting.
    var seen = anObservation(NOW).message(nativeMessage(5046, 14, "Finished", ago(40)))
        .instance(running("i-2", ago(2))).build();

    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    assertThat(diagnosis.verdict()).isInstanceOf(Verdict.InProgress.class);
    assertThat(((Verdict.InProgress) diagnosis.verdict()).detail()).contains("i-2").contains("an earlier run's");
    assertThat(diagnosis.condition(ConditionTypes.INSTANCE_ABSENT).reason()).isEqualTo(Reasons.MIGRATION_IN_PROGRESS);
    // Nothing is stopped or purged on i-2's account: the old message is not its run's end.
    assertThat(planner.plan(diagnosis, seen, SETTINGS, Optional.empty(), List.of(), NOW).steps()).isEmpty();
  }

  @Test
  void aMessageBelongsToTheLatestInstanceThatLaunchedBeforeIt() {
    // i-1 ran pid 5046 and was terminated; i-2 launched before pid 6001's messages: 6001 ran on i-2.
    var seen = anObservation(NOW).instance(terminated("i-1", ago(90))).instance(running("i-2", ago(30)))
        .message(nativeMessage(5046, 9, "Failed", ago(80))).message(nativeMessage(6001, 1, "Started", ago(28)))
        .message(nativeMessage(6001, 14, "Finished", ago(20))).build();

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.Finished.class);
    var finished = (Verdict.Finished) verdict;
    assertThat(finished.run().orElseThrow().pid()).isEqualTo("6001");
    assertThat(finished.instance().orElseThrow().id()).isEqualTo("i-2");
    assertThat(Diagnoser.instanceOf(Run.of(Diagnoser.messages(seen)).get(0), seen)).map(Instance::id).contains("i-1");
  }

  @Test
  void aRunWhoseInstanceIsGoneEndedWithoutAFinalMessageAndIsNotInProgressOnAnother() {
    // pid 5046 stopped talking when its instance went; a newer instance is not where it runs.
    var seen = anObservation(NOW).instance(terminated("i-1", ago(90)))
        .message(nativeMessage(5046, 3, "Migrating", ago(60))).build();

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.Finished.class);
    assertThat(((Verdict.Finished) verdict).instance()).map(Instance::id).contains("i-1");
    assertThat(((Verdict.Finished) verdict).evidence()).contains("i-1 is terminated");
  }

  @Test
  void systemdActiveMeansARunIsInProgressWhateverTheQueueSays() {
    // The queue's last word is Finished, but systemd still runs the unit: not over yet.
    var seen = anObservation(NOW).instance(running("i-1", ago(30)))
        .message(nativeMessage(5046, 14, "Finished", ago(1))).systemd(SystemdStates.running("i-1", NOW)).build();

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.InProgress.class);
    assertThat(((Verdict.InProgress) verdict).detail()).contains("systemd on i-1 reports bfd-db-migrator.service active");
  }

  @Test
  void aLiveButSilentRunIsNotOrphaned() {
    // No message of it anywhere (the pipeline read and deleted them), launched an hour ago; systemd says active.
    var seen = anObservation(NOW).instance(running("i-1", ago(60))).systemd(SystemdStates.running("i-1", NOW)).build();

    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    assertThat(diagnosis.verdict()).isNotInstanceOf(Verdict.Orphaned.class).isNotInstanceOf(Verdict.Finished.class);
    assertThat(diagnosis.condition(ConditionTypes.INSTANCE_ABSENT).reason()).isNotEqualTo(Reasons.ORPHANED_INSTANCE);
    assertThat(diagnosis.condition(ConditionTypes.INSTANCE_ABSENT).message()).contains("active");
  }

  @Test
  void aLiveRunWithRecentLogLinesIsInProgress() {
    var seen = anObservation(NOW).instance(running("i-1", ago(60))).systemd(SystemdStates.running("i-1", NOW))
        .log(log("i-1", ago(2), "Successfully applied 3 migrations")).build();

    assertThat(diagnoser.diagnose(seen, SETTINGS, NOW).verdict()).isInstanceOf(Verdict.InProgress.class);
  }

  @Test
  void aUnitThatNeverStartedEndedNoRun() {
    // An old instance whose migrator never started: no exit status, and not "a run that ended".
    var seen = anObservation(NOW).instance(running("i-1", ago(60))).systemd(SystemdStates.neverStarted("i-1", NOW))
        .build();

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.Orphaned.class);
    assertThat(((Verdict.Orphaned) verdict).why()).contains("has not started yet");
  }

  @Test
  void aUnitThatIsNotLoadedIsAFinding() {
    var seen = anObservation(NOW).instance(running("i-1", ago(60))).systemd(SystemdStates.notLoaded("i-1", NOW))
        .build();

    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    assertThat(diagnosis.condition(ConditionTypes.INSTANCE_ABSENT).message()).contains("LoadState=not-found")
        .contains("service.unit");
    assertThat(diagnosis.runbook().nextSteps().get(0)).contains("LoadState=not-found");
  }

  @Test
  void aLaterProcessOnTheSameInstanceIsANewerRunNotTheQueuesRun() {
    // pid 4242 (monitor format: its pid is systemd's) sent "running" an hour ago; after a reboot another process
    // exited with 1, which sends no message: that exit is not pid 4242's.
    var seen = anObservation(NOW).instance(running("i-1", ago(70)))
        .message(new gov.cms.bfd.migrator.operator.observe.RawMessage("m-1",
            "{\"pid\":\"4242\",\"code\":\"(null)\",\"status\":\"0/0\"}", ago(60)))
        .systemd(SystemdStates.shown("i-1", NOW, "LoadState=loaded", "ActiveState=failed", "ExecMainPID=777",
            "ExecMainStartTimestamp=" + SystemdStates.timestamp(ago(20)), "ExecMainCode=1", "ExecMainStatus=1"))
        .build();

    var verdict = diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict).isInstanceOf(Verdict.Finished.class);
    var finished = (Verdict.Finished) verdict;
    assertThat(finished.run()).as("not pid 4242's exit").isEmpty();
    assertThat(finished.exitStatus()).contains(1);
    assertThat(finished.evidence()).contains("later process").contains("an earlier run's");
  }

  @Test
  void systemdOfAnotherInstanceSaysNothingOfThisOne() {
    var seen = anObservation(NOW).instance(running("i-1", ago(60)))
        .message(nativeMessage(5046, 9, "Failed", ago(30))).systemd(SystemdStates.exited("i-9", NOW, 3)).build();

    var verdict = (Verdict.Finished) diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict.exitStatus()).isEmpty();
  }

  @Test
  void anotherInstancesLogStreamNeverSuppliesAnExitStatus() {
    // pid 5046 ran on i-1; the stream read is i-2's (written to last), which holds another run's failure.
    var seen = anObservation(NOW).instance(terminated("i-1", ago(90))).instance(terminated("i-2", ago(50)))
        .message(nativeMessage(5046, 9, "Failed", ago(80)))
        .log(log("i-2", ago(45), "Successfully started", "Migration failed, shutting down")).build();

    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    var verdict = (Verdict.Finished) diagnosis.verdict();
    assertThat(verdict.exitStatus()).as("2 or 3 is unknown until i-1's own log or systemd says").isEmpty();
    assertThat(diagnosis.log()).as("another instance's lines are not this run's evidence").isEmpty();
  }

  @Test
  void theRunsOwnStreamTellsItsExitStatus() {
    var seen = anObservation(NOW).instance(terminated("i-1", ago(90)))
        .message(nativeMessage(5046, 9, "Failed", ago(80)))
        .log(log("i-1", ago(81), "Successfully started", "Migration failed, shutting down")).build();

    var verdict = (Verdict.Finished) diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict.exitStatus()).contains(2);
    assertThat(verdict.source()).contains(ExitStatusSource.Log);
  }

  @Test
  void aLogIsReadOnlyFromTheStreamOfTheRunsInstanceAndNotAtAllWithoutOne() {
    var withInstance = anObservation(NOW).instance(terminated("i-1", ago(90)))
        .message(nativeMessage(5046, 9, "Failed", ago(80))).build();
    var without = anObservation(NOW).message(nativeMessage(5046, 9, "Failed", ago(80))).build();

    assertThat(diagnoser.needs(withInstance, SETTINGS, NOW).logStream()).contains("i-1");
    assertThat(diagnoser.needs(without, SETTINGS, NOW).logStream()).as("never the stream written to last").isEmpty();
  }

  @Test
  void aMonitorExitOnTheRunsOwnInstanceIsStillTheRunsEnd() {
    var seen = anObservation(NOW).instance(running("i-1", ago(30))).message(monitorExit("4242", 2, ago(5)))
        .systemd(SystemdStates.exited("i-1", NOW, 2)).build();

    var verdict = (Verdict.Finished) diagnoser.diagnose(seen, SETTINGS, NOW).verdict();

    assertThat(verdict.run()).isPresent();
    assertThat(verdict.exitStatus()).contains(2);
  }
}
