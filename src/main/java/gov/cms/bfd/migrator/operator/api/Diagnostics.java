package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The checks the runbook asks for (exit 1) and the migrator's error log lines (exit 2, 3, 4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Diagnostics {
  @JsonPropertyDescription("The checks the runbook asks for: exit-1 checks as the operator's role, systemd's state, the schema version.")
  public List<DiagnosticCheck> checks;
  @JsonPropertyDescription("The CloudWatch log group of the migrator's log.")
  public String logGroup;
  @JsonPropertyDescription("The stream read: the run's instance id.")
  public String logStream;
  @JsonPropertyDescription("The error and closing lines of the run's log, each on one line (bounded).")
  public List<String> logExcerpt;
}
