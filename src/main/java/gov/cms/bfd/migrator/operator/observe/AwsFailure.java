package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.Text;
import java.util.Objects;

/**
 * An AWS call that did not give an answer: which call, and whether a retry can help (throttling, 5xx,
 * time-outs) or only a person can (access denied, a KMS key the queue needs, an instance SSM does not manage).
 */
public record AwsFailure(String service, String operation, Kind kind, String detail) {

  /** Whether waiting helps. */
  public enum Kind {
    /** Throttling, 5xx, time-outs, connection errors: retried with backoff. */
    UNAVAILABLE,
    /**
     * The operator's role lacks a permission, or a KMS key it needs is disabled or not usable by it (the queue is
     * encrypted): a person must fix IAM or the key.
     */
    ACCESS_DENIED,
    /**
     * SSM does not manage the instance (SendCommand's InvalidInstanceId: no registered agent, or not running): not an
     * outage, and no retry reaches it; a person uses SSH.
     */
    NOT_MANAGED
  }

  public AwsFailure {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
    // AWS's error text, or an exception's message, goes into conditions and Events: bounded where it enters.
    detail = Text.bound(Objects.requireNonNull(detail, "detail"), MAX_DETAIL_BYTES);
  }

  /** The most bytes (of JSON) of AWS's error text kept. */
  static final int MAX_DETAIL_BYTES = 300;

  /** The IAM action, as a policy names it: {@code sqs:GetQueueAttributes}. */
  public String action() {
    return service + ":" + operation;
  }

  /** One line for a person: what failed and why. */
  public String describe() {
    return switch (kind) {
      case ACCESS_DENIED -> "access denied to " + action() + ": " + detail;
      case UNAVAILABLE -> action() + " failed: " + detail;
      case NOT_MANAGED -> action() + " refused: the instance is not reachable through SSM (" + detail + ")";
    };
  }
}
