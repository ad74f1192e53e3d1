package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One configuration check: what was checked, whether it passed, and what was seen. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiagnosticCheck {
  @JsonPropertyDescription("What was checked: CallerIdentity, ParametersReadable, KmsKeyUsable, SystemdState, SchemaVersion.")
  public String name;
  @JsonPropertyDescription("What it was checked on: a parameter path, a key alias, an instance id.")
  public String target;
  @JsonPropertyDescription("Whether the check passed.")
  public Boolean passed;
  @JsonPropertyDescription("What it found.")
  public String detail;
}
