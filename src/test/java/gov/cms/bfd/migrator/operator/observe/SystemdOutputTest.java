package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.SystemdState.Unit;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What systemctl prints on a real instance, which moto does not emulate (its Run Command answers Success with
 * no output): reading it, and refusing to treat silence, a unit that never started or one that is not loaded as
 * proof that the migrator is stopped.
 */
class SystemdOutputTest {

  private static final Instant ASKED = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void realOutputMotoDoesNotEmulate_exitedWithStatus2() {
    var state = parse("LoadState=loaded\nActiveState=failed\nExecMainPID=5046\n"
        + "ExecMainStartTimestamp=Thu 2026-11-26 11:40:02 UTC\nExecMainCode=1\nExecMainStatus=2\n");

    assertThat(state.known()).isTrue();
    assertThat(state.unit()).isEqualTo(Unit.ENDED);
    assertThat(state.exitStatus()).contains(2);
    assertThat(state.execMainPid()).contains(5046L);
    assertThat(state.execMainStart()).contains(Instant.parse("2026-11-26T11:40:02Z"));
    assertThat(state.askedAt()).isEqualTo(ASKED);
  }

  @Test
  void realOutputMotoDoesNotEmulate_stillRunningHasNoExitStatus() {
    var state = parse("LoadState=loaded\nActiveState=active\nExecMainPID=5046\nExecMainCode=0\nExecMainStatus=0\n");

    assertThat(state.known()).isTrue();
    assertThat(state.unit()).isEqualTo(Unit.RUNNING);
    assertThat(state.exitStatus()).isEmpty();
    assertThat(state.ended()).isFalse();
  }

  @Test
  void realOutputMotoDoesNotEmulate_killedBySignalIsNotAnExitStatus() {
    var state = parse("ActiveState=failed\nExecMainStatus=9\nExecMainCode=2\n");

    assertThat(state.unit()).isEqualTo(Unit.ENDED);
    assertThat(state.exitStatus()).isEmpty();
  }

  @Test
  void aUnitThatNeverStartedIsNotStopped() {
    // What systemd prints on a fresh instance before cloud-init's Ansible run starts the migrator.
    var state = parse("LoadState=loaded\nActiveState=inactive\nExecMainPID=0\nExecMainStartTimestamp=\n"
        + "ExecMainCode=0\nExecMainStatus=0\n");

    assertThat(state.unit()).isEqualTo(Unit.NEVER_STARTED);
    assertThat(state.ended()).as("never started is not stopped").isFalse();
    assertThat(state.exitStatus()).isEmpty();
    assertThat(state.why()).contains("never started");
  }

  @Test
  void aUnitThatIsNotLoadedIsAFindingNotStopped() {
    // What systemd prints for a unit name it does not know: inactive, and nothing ever ran.
    var state = parse("LoadState=not-found\nActiveState=inactive\nExecMainPID=0\nExecMainStartTimestamp=\n"
        + "ExecMainCode=0\nExecMainStatus=0\n");

    assertThat(state.unit()).isEqualTo(Unit.NOT_LOADED);
    assertThat(state.ended()).isFalse();
    assertThat(state.why()).contains("LoadState=not-found");
    for (String load : new String[] {"masked", "error", "bad-setting"}) {
      assertThat(parse("LoadState=" + load + "\nActiveState=inactive\nExecMainCode=1\nExecMainStatus=0\n").unit())
          .as(load).isEqualTo(Unit.NOT_LOADED);
    }
  }

  @Test
  void aTimestampInAnotherZoneIsNotGuessedAt() {
    var state = parse("ActiveState=active\nExecMainStartTimestamp=Thu 2026-11-26 06:40:02 EST\nExecMainCode=0\n"
        + "ExecMainStatus=0\n");

    assertThat(state.execMainStart()).isEmpty();
  }

  @Test
  void successWithNoOutputProvesNothing() {
    var state = SystemdOutput.parse("i-1", "c-1", ASKED, new CommandPort.Invocation("Success", "", ""));

    assertThat(state.known()).isFalse();
    assertThat(state.unit()).isEqualTo(Unit.UNKNOWN);
    assertThat(state.exitStatus()).isEmpty();
    assertThat(state.why()).contains("no output");
  }

  @Test
  void realStatusesMotoDoesNotEmulate_undeliverableAndTimedOutAreUnknown() {
    for (String status : new String[] {"Undeliverable", "TimedOut", "Failed", "DeliveryTimedOut"}) {
      var state = SystemdOutput.parse("i-1", "c-1", ASKED, new CommandPort.Invocation(status, "", "agent not reachable"));
      assertThat(state.known()).as(status).isFalse();
      assertThat(state.why()).as(status).contains(status);
    }
  }

  @Test
  void anInstanceSsmDoesNotManageIsUnreachableNotAwaited() {
    var state = SystemdStates.unreachable("i-1", ASKED);

    assertThat(state.unit()).isEqualTo(Unit.UNREACHABLE);
    assertThat(state.awaiting()).isFalse();
    assertThat(state.why()).contains("not reachable through SSM").contains("SSH");
  }

  @Test
  void pendingCommandIsAwaited() {
    var state = SystemdState.unknown("i-1", "c-1", ASKED, "InProgress", "not finished");

    assertThat(state.awaiting()).isTrue();
  }

  @Test
  void whatTheInstancePrintedIsBoundedAndOnlyWhatWasAsked() {
    var state = parse("ActiveState=" + "a".repeat(10_000) + "\nExecMainCode=1\nExecMainStatus=0\nSecret=x\n");

    assertThat(state.activeState().orElseThrow()).hasSizeLessThan(100);
    assertThat(state.properties()).doesNotContainKey("Secret");
  }

  private static SystemdState parse(String output) {
    return SystemdOutput.parse("i-1", "c-1", ASKED, new CommandPort.Invocation("Success", output, ""));
  }
}
