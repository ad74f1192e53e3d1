package gov.cms.bfd.migrator.operator.plan;

import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.model.ActionRecord;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The actions the diagnosis calls for, in the runbook's order (make sure nothing runs, keep the evidence,
 * purge, then terminate), each with its state; the fingerprint a person approves; and why nothing at all is
 * planned, when that is the case.
 */
public record Plan(List<Step> steps, String fingerprint, Optional<String> held, Optional<String> staleApproval) {

  public Plan {
    steps = List.copyOf(steps);
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(held, "held");
    Objects.requireNonNull(staleApproval, "staleApproval");
  }

  /** The one step to run now, if any: the first one, when it is Ready. */
  public Optional<Step> next() {
    return steps.stream().filter(Step::ready).findFirst();
  }

  /**
   * Whether the first step is a purge that waits only for the whole-queue read: the reconciler then reads the
   * queue, records what it read, and plans again with it.
   */
  public boolean wantsBrowse() {
    return steps.stream().findFirst().filter(s -> s.action() == ActionType.PurgeQueue)
        .flatMap(Step::blockedBy).filter(Planner.BROWSE_FIRST::equals).isPresent();
  }

  /**
   * Whether the operator moves this plan on by itself (its first step is ready, or waits only on the operator's
   * own work or on time) or only a person can (an approval, a switch, a cap, a check by hand); empty when there is
   * nothing to do. Steps run in order, so the first one decides.
   */
  public Optional<Mover> mover() {
    return steps.stream().findFirst().map(first -> first.clearsByItself() ? Mover.OPERATOR : Mover.PERSON);
  }

  /** Who moves a plan on. */
  public enum Mover { OPERATOR, PERSON }
}
