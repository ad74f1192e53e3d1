package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the action history: an intent recorded before the AWS call ({@code Pending}), later
 * verified by observation to {@code Succeeded}, {@code Failed} or {@code Inconclusive}; with the evidence it removes
 * and the last run as the operator knew it then ({@code run}), which status keeps once the evidence is gone (S12).
 */
public record ActionRecord(Instant time, ActionType action, String target, ActionOutcome outcome,
    Optional<String> approvedBy, String fingerprint, String detail, Optional<String> reference, List<String> evidence,
    Optional<RunMemory> run) {

  /** A record that remembers no run. */
  public ActionRecord(Instant time, ActionType action, String target, ActionOutcome outcome,
      Optional<String> approvedBy, String fingerprint, String detail, Optional<String> reference, List<String> evidence) {
    this(time, action, target, outcome, approvedBy, fingerprint, detail, reference, evidence, Optional.empty());
  }

  public ActionRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(approvedBy, "approvedBy");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(reference, "reference");
    evidence = List.copyOf(evidence);
    Objects.requireNonNull(run, "run");
  }

  public ActionRecord with(ActionOutcome newOutcome, String newDetail) {
    return new ActionRecord(time, action, target, newOutcome, approvedBy, fingerprint, newDetail, reference, evidence,
        run);
  }

  public ActionRecord withReference(String newReference, String newDetail) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, newDetail,
        Optional.of(newReference), evidence, run);
  }

  public ActionRecord withEvidence(List<String> newEvidence) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, newEvidence,
        run);
  }

  public ActionRecord withRun(Optional<RunMemory> newRun) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, evidence, newRun);
  }

  /**
   * Whether this is the operator's own clean-up that may have removed a run's evidence: a purge or a termination that
   * did not fail (a pending or inconclusive one may have run).
   */
  public boolean cleanedUp() {
    return (action == ActionType.PurgeQueue || action == ActionType.TerminateInstance)
        && outcome != ActionOutcome.Failed;
  }

  public boolean pending() {
    return outcome == ActionOutcome.Pending;
  }
}
