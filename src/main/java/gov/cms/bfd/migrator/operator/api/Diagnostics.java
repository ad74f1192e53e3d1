package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The checks the runbook asks for (exit 1) and the migrator's error log lines (exit 2, 3, 4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Diagnostics {
  public List<DiagnosticCheck> checks;
  public String logGroup;
  public String logStream;
  public List<String> logExcerpt;
}
