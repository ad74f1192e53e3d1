package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What a platform team declares for one environment. Everything but {@code environment} has a default;
 * defaults that depend on the environment are templates in which {@value #ENVIRONMENT_PLACEHOLDER} stands
 * for {@code spec.environment}, so the API server can fill them in and a reader sees how they are derived.
 */
@ValidationRule(
    value = "!has(self.queue) || !has(self.queue.name) || size(self.queue.name.replace('${environment}', self.environment)) <= 80"
        + " && self.queue.name.replace('${environment}', self.environment).matches('^[A-Za-z0-9_-]+(\\\\.fifo)?$')",
    fieldPath = ".queue.name",
    reason = "FieldValueInvalid",
    messageExpression = "'queue name \"' + self.queue.name.replace('${environment}', self.environment)"
        + " + '\" is not a name SQS accepts: 1 to 80 letters, digits, hyphens or underscores,"
        + " optionally ending in .fifo'")
@ValidationRule(
    value = "!has(self.service) || !has(self.service.logGroup) || size(self.service.logGroup.replace('${environment}', self.environment)) <= 512",
    fieldPath = ".service.logGroup",
    reason = "FieldValueInvalid",
    message = "log group name is longer than the 512 characters CloudWatch Logs accepts")
public class MigratorDeploymentSpec {

  public static final String ENVIRONMENT_PLACEHOLDER = "${environment}";

  @Required
  @Size(min = 1, max = 63)
  @ValidationRule(value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
      message = "must be a DNS label: lower-case letters, digits and '-', starting and ending with a letter or digit")
  @ValidationRule(value = "self == oldSelf",
      message = "is immutable: create a new MigratorDeployment for another environment")
  @JsonPropertyDescription("The BFD environment name (test, prod-sbx, prod or an ephemeral name); a DNS label.")
  public String environment;

  @Default("{}")
  @JsonPropertyDescription("Where the environment's AWS resources live.")
  public AwsSpec aws;

  @Default("{}")
  @JsonPropertyDescription("The SQS queue the migrator signals progress and its exit status through.")
  public QueueSpec queue;

  @Default("{}")
  @JsonPropertyDescription("How the migrator's EC2 instances are found.")
  public InstanceSpec instance;

  @Default("{}")
  @JsonPropertyDescription("The migrator's systemd unit and CloudWatch log group.")
  public ServiceSpec service;

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
