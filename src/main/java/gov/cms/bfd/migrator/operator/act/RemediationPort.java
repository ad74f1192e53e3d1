package gov.cms.bfd.migrator.operator.act;

import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;

/**
 * The destructive AWS calls, each on a named target. Throw {@link AwsCallException}, or its
 * {@link UnansweredException} when no answer came.
 */
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

  /** The call got no answer (it timed out, or the connection broke): AWS may or may not have acted on it. */
  class UnansweredException extends AwsCallException {
    public UnansweredException(AwsFailure failure, Throwable cause) {
      super(failure, cause);
    }
  }
}
