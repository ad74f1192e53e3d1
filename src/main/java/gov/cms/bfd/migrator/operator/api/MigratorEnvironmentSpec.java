package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * One environment's AWS names and who may manage it. Defaults that depend on the environment are templates in
 * which {@value #ENVIRONMENT_PLACEHOLDER} stands for {@code metadata.name}, so the API server fills them in and
 * a reader sees how they are derived.
 */
public class MigratorEnvironmentSpec {

  public static final String ENVIRONMENT_PLACEHOLDER = "${environment}";

  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.all(n, self.exists_one(m, m == n))", message = "must not list a namespace twice")
  @JsonPropertyDescription("The namespaces allowed to hold this environment's MigratorDeployment; a MigratorDeployment"
      + " in any other namespace is not acted on (Stalled, reason EnvironmentNotBound).")
  public List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> namespaces;

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

  @Default("{}")
  @JsonPropertyDescription("The most that any MigratorDeployment of this environment may switch on; a MigratorDeployment"
      + " asking for more is capped, and its plannedActions[].blockedBy says where.")
  public AllowedRemediation allowedRemediation;
}
