package gov.cms.bfd.migrator.operator.plan;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import java.util.Objects;
import java.util.Optional;

/**
 * One planned action on a named target ({@code PurgeQueue(queueUrl)}, {@code StopService(instanceId/unit)},
 * {@code TerminateInstance(instanceId)}), why, and whether it may run: Ready, AwaitingApproval, Blocked (with
 * what blocks it) or ObserveOnly.
 */
public record Step(ActionType action, String target, String reason, ActionState state, Optional<String> blockedBy,
    Optional<String> approvedBy, boolean clearsByItself) {

  public Step {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(blockedBy, "blockedBy");
    Objects.requireNonNull(approvedBy, "approvedBy");
  }

  static Step candidate(ActionType action, String target, String reason) {
    return new Step(action, target, reason, ActionState.Ready, Optional.empty(), Optional.empty(), true);
  }

  /** Blocked until a person acts (a switch, a cap, a stop to check by hand). */
  Step blocked(String why) {
    return new Step(action, target, reason, ActionState.Blocked, Optional.of(why), Optional.empty(), false);
  }

  /** Blocked by what the operator itself is doing or by time: a step before it, a verification, AWS's 60 seconds. */
  Step waiting(String why) {
    return new Step(action, target, reason, ActionState.Blocked, Optional.of(why), Optional.empty(), true);
  }

  Step awaitingApproval(String why) {
    return new Step(action, target, reason, ActionState.AwaitingApproval, Optional.of(why), Optional.empty(), false);
  }

  Step observeOnly() {
    return observeOnly("spec.remediation.mode is Observe: the operator only plans");
  }

  Step observeOnly(String why) {
    return new Step(action, target, reason, ActionState.ObserveOnly, Optional.of(why), Optional.empty(), false);
  }

  Step approvedBy(String person) {
    return new Step(action, target, reason, ActionState.Ready, Optional.empty(), Optional.of(person), true);
  }

  public boolean ready() {
    return state == ActionState.Ready;
  }
}
