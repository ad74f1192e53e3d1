package gov.cms.bfd.migrator.operator.act;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;

/** The destructive AWS calls, each on a named target. Throw {@link gov.cms.bfd.migrator.operator.observe.AwsCallException}. */
public interface RemediationPort {

  /** SQS PurgeQueue; {@link PurgeInProgressException} when AWS says a purge ran in the last 60 seconds. */
  void purgeQueue(AwsTarget target, String queueUrl);

  /** SSM SendCommand (AWS-RunShellScript) that stops the unit and prints its state after; the command id. */
  String stopService(AwsTarget target, String instanceId, String unit);

  /** EC2 TerminateInstances. */
  void terminateInstance(AwsTarget target, String instanceId);

  /** AWS's PurgeQueueInProgress: a purge already runs; wait, it is not a failure. */
  class PurgeInProgressException extends RuntimeException {
    public PurgeInProgressException(String queueUrl) {
      super("a purge of " + queueUrl + " is already in progress (AWS allows one per 60 seconds)");
    }
  }
}
