package gov.cms.bfd.migrator.operator.observe;

import java.util.Optional;

/** The configuration checks of the runbook's exit-1 section, with the operator's credentials. */
public interface ConfigPort {

  /** STS GetCallerIdentity: who the operator is in AWS. */
  String callerArn(AwsTarget target);

  /** SSM GetParametersByPath (not recursive, not decrypted): how many parameters are readable there. */
  int parameterCount(AwsTarget target, String path);

  /** SSM GetParameter; empty when the parameter does not exist. */
  Optional<String> parameter(AwsTarget target, String name);

  /** KMS DescribeKey on an alias: the key's state (Enabled, Disabled, PendingDeletion, ...). */
  String keyState(AwsTarget target, String alias);
}
