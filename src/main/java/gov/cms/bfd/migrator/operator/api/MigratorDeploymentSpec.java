package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What a team expects of one environment and how much the operator may do about it. Where the environment is
 * in AWS, and the most any resource may switch on, are the platform's: the {@link MigratorEnvironment} named by
 * {@code environment}. Everything but {@code environment} has a default.
 */
public class MigratorDeploymentSpec {

  @Required
  @Size(min = 1, max = 63)
  @ValidationRule(value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
      message = "must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit")
  @ValidationRule(value = "self == oldSelf",
      message = "is immutable: create a new MigratorDeployment for another environment")
  @JsonPropertyDescription("The BFD environment (test, prod-sbx, prod or an ephemeral name): the name of a MigratorEnvironment"
      + " whose spec.namespaces lists this resource's namespace.")
  public String environment;

  @Size(max = 64)
  @ValidationRule(value = "self.matches('^[0-9A-Za-z._-]+$')",
      message = "must be a Flyway schema version: letters, digits, '.', '_' or '-'")
  @JsonPropertyDescription("What /bfd/${env}/common/nonsensitive/database_schema_version is expected to be.")
  public String expectedSchemaVersion;

  @Default("{}")
  @JsonPropertyDescription("How often the operator looks, and when a run counts as stalled.")
  public TimingSpec timing;

  @Default("{}")
  @JsonPropertyDescription("What the operator may repair by itself, and what waits for a person.")
  public RemediationSpec remediation;

  @Default("false")
  @JsonPropertyDescription("Stop observing and acting; status says so.")
  public Boolean suspend;
}
