package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The runbook section for the failure mode, and its steps with the environment's real names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunbookGuidance {
  public String section;
  public String url;
  public List<String> nextSteps;
}
