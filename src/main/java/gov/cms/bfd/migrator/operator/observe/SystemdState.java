package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.Text;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code systemctl show <unit> -p ActiveState,ExecMainStatus,ExecMainCode} printed on the instance,
 * through SSM Run Command. A command that reports Success but printed nothing proves nothing: then
 * {@code known} is false and {@code why} says so.
 */
public record SystemdState(String instanceId, String commandId, String ssmStatus, Optional<String> activeState,
    Optional<Integer> execMainStatus, Optional<String> execMainCode, boolean known, String why) {

  public SystemdState {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(commandId, "commandId");
    ssmStatus = Text.bound(Objects.requireNonNull(ssmStatus, "ssmStatus"), 64);
    // What the instance printed is bounded where it enters: it goes into conditions and status.
    activeState = Objects.requireNonNull(activeState, "activeState").map(s -> Text.bound(s, 64));
    Objects.requireNonNull(execMainStatus, "execMainStatus");
    execMainCode = Objects.requireNonNull(execMainCode, "execMainCode").map(s -> Text.bound(s, 64));
    why = Text.bound(Objects.requireNonNull(why, "why"), 400);
  }

  /** True while the SSM command that asks is still on its way: look again soon. */
  public boolean awaiting() {
    return !known && java.util.Set.of("Pending", "InProgress", "Delayed", "Cancelling").contains(ssmStatus);
  }

  /** The exit status, when systemd says the main process exited (ExecMainCode 1 = CLD_EXITED). */
  public Optional<Integer> exitStatus() {
    if (!known || activeState.filter(s -> s.equals("active") || s.equals("activating")).isPresent()) {
      return Optional.empty();
    }
    boolean exited = execMainCode.filter(c -> c.equals("1") || c.equals("exited")).isPresent();
    return exited ? execMainStatus : Optional.empty();
  }
}
