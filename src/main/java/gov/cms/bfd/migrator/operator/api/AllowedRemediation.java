package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The ceiling a platform puts on the remediation of one environment's MigratorDeployment. */
public class AllowedRemediation {

  @Default("[\"Auto\", \"Observe\", \"Approve\"]")
  @Size(min = 1, max = 3)
  @ValidationRule(value = "self.all(m, self.exists_one(n, n == m))", message = "must not list a mode twice")
  @JsonPropertyDescription("The modes a MigratorDeployment may use; a mode not listed is capped to the most it may use"
      + " below it (Auto, then Approve, then Observe). Observe, which never acts, is always allowed.")
  public List<RemediationMode> modes;

  @Default("false")
  @JsonPropertyDescription("Whether spec.remediation.stopService may be switched on.")
  public Boolean stopService;

  @Default("false")
  @JsonPropertyDescription("Whether spec.remediation.terminateInstance may be switched on.")
  public Boolean terminateInstance;

  @Default("false")
  @JsonPropertyDescription("Whether spec.remediation.afterFailure may be Auto: removing a failed run's evidence without"
      + " a person's approval.")
  public Boolean afterFailureAuto;
}
