package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One configuration check: what was checked, whether it passed, and what was seen. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiagnosticCheck {
  public String name;
  public String target;
  public Boolean passed;
  public String detail;
}
