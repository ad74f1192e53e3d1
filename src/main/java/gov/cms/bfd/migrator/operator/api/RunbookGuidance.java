package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The runbook section for the failure mode, and its steps with the environment's real names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunbookGuidance {
  @JsonPropertyDescription("The runbook section that applies, or None.")
  public String section;
  @JsonPropertyDescription("The runbook section on the wiki.")
  public String url;
  @JsonPropertyDescription("What to do now, in order, with the environment's real names and commands: first what unblocks the resource.")
  public List<String> nextSteps;
}
