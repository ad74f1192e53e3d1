package gov.cms.bfd.migrator.operator.model;

import java.util.Objects;

/** What a condition should say now; the report stage adds generation and transition time. */
public record DesiredCondition(String type, ConditionStatus status, String reason, String message) {
  public DesiredCondition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  public static DesiredCondition isTrue(String type, String reason, String message) {
    return new DesiredCondition(type, ConditionStatus.True, reason, message);
  }

  public static DesiredCondition isFalse(String type, String reason, String message) {
    return new DesiredCondition(type, ConditionStatus.False, reason, message);
  }

  public static DesiredCondition unknown(String type, String reason, String message) {
    return new DesiredCondition(type, ConditionStatus.Unknown, reason, message);
  }
}
