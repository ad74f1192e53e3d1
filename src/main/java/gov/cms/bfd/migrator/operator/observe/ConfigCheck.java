package gov.cms.bfd.migrator.operator.observe;

import java.util.Objects;

/**
 * One of the checks the runbook asks for after exit status 1, made with the operator's own credentials:
 * caller identity, SSM parameter paths readable, the KMS key usable.
 */
public record ConfigCheck(String name, String target, boolean passed, String detail) {
  public ConfigCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(detail, "detail");
  }
}
