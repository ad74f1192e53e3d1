package gov.cms.bfd.migrator.operator.plan;

import java.util.Map;
import java.util.Optional;

/**
 * A person's approval from the resource's annotations: the plan fingerprint approved and who approved it
 * (held to the authenticated user by the admission policy in deploy/).
 */
public record Approval(String fingerprint, String approvedBy) {

  public static final String APPROVE = "migrator.bfd.cms.gov/approve";
  public static final String APPROVED_BY = "migrator.bfd.cms.gov/approved-by";

  /** The approval the annotations carry, if any; one without approved-by counts for nothing. */
  public static Optional<Approval> from(Map<String, String> annotations) {
    String fingerprint = annotations.get(APPROVE);
    String approvedBy = annotations.get(APPROVED_BY);
    if (fingerprint == null || fingerprint.isBlank() || approvedBy == null || approvedBy.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new Approval(fingerprint.trim(), approvedBy.trim()));
  }
}
