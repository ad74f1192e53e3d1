package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The AWS region and, for another account, the role to assume. */
public class AwsSpec {

  @Default("us-east-1")
  @Size(max = 32)
  @ValidationRule(value = "self.matches('^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$')",
      message = "must be an AWS region name such as us-east-1 or us-gov-west-1")
  @JsonPropertyDescription("The AWS region of the queue, the instances and the logs.")
  public String region;

  @Size(max = 2048)
  @ValidationRule(value = "self.matches('^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$')",
      message = "must be an IAM role ARN such as arn:aws:iam::123456789012:role/bfd-migrator-operator")
  @JsonPropertyDescription("An IAM role to assume through STS before calling AWS (multi-account).")
  public String roleArn;
}
