package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the action history: an intent recorded before the AWS call ({@code Pending}), later
 * verified by observation to {@code Succeeded}, {@code Failed} or {@code Inconclusive}; with the evidence it removes
 * and the last run as the operator knew it then ({@code run}), which status keeps once the evidence is gone (S12);
 * {@code answeredAt} is when the AWS call returned (or gave up): AWS received it at the latest then, and a purge's
 * 60-second window is counted from there, not from the intent.
 */
public record ActionRecord(Instant time, ActionType action, String target, ActionOutcome outcome,
    Optional<String> approvedBy, String fingerprint, String detail, Optional<String> reference, List<String> evidence,
    Optional<RunMemory> run, Optional<Instant> answeredAt) {

  /** A record whose call has not returned (or whose answer time is not known). */
  public ActionRecord(Instant time, ActionType action, String target, ActionOutcome outcome,
      Optional<String> approvedBy, String fingerprint, String detail, Optional<String> reference, List<String> evidence,
      Optional<RunMemory> run) {
    this(time, action, target, outcome, approvedBy, fingerprint, detail, reference, evidence, run, Optional.empty());
  }

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
    Objects.requireNonNull(answeredAt, "answeredAt");
  }

  public ActionRecord with(ActionOutcome newOutcome, String newDetail) {
    return new ActionRecord(time, action, target, newOutcome, approvedBy, fingerprint, newDetail, reference, evidence,
        run, answeredAt);
  }

  public ActionRecord withReference(String newReference, String newDetail) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, newDetail,
        Optional.of(newReference), evidence, run, answeredAt);
  }

  public ActionRecord withEvidence(List<String> newEvidence) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, newEvidence,
        run, answeredAt);
  }

  public ActionRecord withRun(Optional<RunMemory> newRun) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, evidence, newRun,
        answeredAt);
  }

  /** The record of a call that returned, or gave up, at {@code at}. */
  public ActionRecord answered(Instant at) {
    return new ActionRecord(time, action, target, outcome, approvedBy, fingerprint, detail, reference, evidence, run,
        Optional.of(at));
  }

  /**
   * Until when AWS may have received the call, so from when a purge's window is counted: its answer, or
   * {@code unansweredReach} after the intent when no answer was recorded (the operator stopped during the call, or
   * the answer's write failed). Counting from the intent instead would end the window while AWS may still be purging,
   * and say Deployable when a deployment launched then could lose its first messages. An answer stored as earlier
   * than its intent (a ledger edited by hand) cannot be: it counts as none.
   */
  public Instant calledBy(Duration unansweredReach) {
    return answeredAt.filter(at -> !at.isBefore(time)).orElse(time.plus(unansweredReach));
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
