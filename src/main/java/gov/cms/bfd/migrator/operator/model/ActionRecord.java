package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the action history: an intent recorded before the AWS call ({@code Pending}), later
 * verified by observation to {@code Succeeded}, {@code Failed} or {@code Inconclusive}.
 */
public record ActionRecord(Instant time, ActionType action, String target, ActionOutcome outcome,
    Optional<String> approvedBy, String fingerprint, String detail, Optional<String> reference, List<String> evidence) {

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
  }

  public ActionRecord with(ActionOutcome newOutcome, String newDetail) {
    return new ActionRecord(time, action, target, newOutcome, approvedBy, fingerprint, newDetail, reference, evidence);
  }

  public ActionRecord withReference(String newReference, String newDetail) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, newDetail,
        Optional.of(newReference), evidence);
  }

  public ActionRecord withEvidence(List<String> newEvidence) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, newEvidence);
  }

  public boolean pending() {
    return outcome == ActionOutcome.Pending;
  }
}
