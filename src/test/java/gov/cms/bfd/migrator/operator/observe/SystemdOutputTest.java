package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What systemctl prints on a real instance, which moto does not emulate (its Run Command answers Success with
 * no output): reading it, and refusing to treat silence as proof.
 */
class SystemdOutputTest {

  @Test
  void realOutputMotoDoesNotEmulate_exitedWithStatus2() {
    var state = SystemdOutput.parse("i-1", "c-1",
        new CommandPort.Invocation("Success", "ActiveState=failed\nExecMainStatus=2\nExecMainCode=1\n", ""));

    assertThat(state.known()).isTrue();
    assertThat(state.exitStatus()).contains(2);
  }

  @Test
  void realOutputMotoDoesNotEmulate_stillRunningHasNoExitStatus() {
    var state = SystemdOutput.parse("i-1", "c-1",
        new CommandPort.Invocation("Success", "ActiveState=active\nExecMainStatus=0\nExecMainCode=0\n", ""));

    assertThat(state.known()).isTrue();
    assertThat(state.exitStatus()).isEmpty();
  }

  @Test
  void realOutputMotoDoesNotEmulate_killedBySignalIsNotAnExitStatus() {
    var state = SystemdOutput.parse("i-1", "c-1",
        new CommandPort.Invocation("Success", "ActiveState=failed\nExecMainStatus=9\nExecMainCode=2\n", ""));

    assertThat(state.exitStatus()).isEmpty();
  }

  @Test
  void successWithNoOutputProvesNothing() {
    var state = SystemdOutput.parse("i-1", "c-1", new CommandPort.Invocation("Success", "", ""));

    assertThat(state.known()).isFalse();
    assertThat(state.exitStatus()).isEmpty();
    assertThat(state.why()).contains("no output");
  }

  @Test
  void realStatusesMotoDoesNotEmulate_undeliverableAndTimedOutAreUnknown() {
    for (String status : new String[] {"Undeliverable", "TimedOut", "Failed", "DeliveryTimedOut"}) {
      var state = SystemdOutput.parse("i-1", "c-1", new CommandPort.Invocation(status, "", "agent not reachable"));
      assertThat(state.known()).as(status).isFalse();
      assertThat(state.why()).as(status).contains(status);
    }
  }

  @Test
  void pendingCommandIsAwaited() {
    var state = new SystemdState("i-1", "c-1", "InProgress", Optional.empty(), Optional.empty(), Optional.empty(),
        false, "not finished");

    assertThat(state.awaiting()).isTrue();
  }
}
