package gov.cms.bfd.migrator.operator.aws;

import gov.cms.bfd.migrator.operator.act.RemediationPort;
import gov.cms.bfd.migrator.operator.model.SystemdCommands;
import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.model.PurgeQueueInProgressException;

/**
 * {@link RemediationPort} on SQS, SSM Run Command and EC2: the only calls that change anything, each made
 * once (no SDK retry).
 */
@ApplicationScoped
public class RemediationAdapter implements RemediationPort {

  private final AwsClients clients;

  public RemediationAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public void purgeQueue(AwsTarget target, String queueUrl) {
    once("sqs", "PurgeQueue", () -> {
      try {
        return clients.sqsOnce(target).purgeQueue(b -> b.queueUrl(queueUrl));
      } catch (PurgeQueueInProgressException e) {
        throw new PurgeInProgressException(queueUrl);
      }
    });
  }

  @Override
  public String stopService(AwsTarget target, String instanceId, String unit) {
    String script = SystemdCommands.stop(unit);
    return once("ssm", "SendCommand", () -> clients.ssmOnce(target).sendCommand(b -> b
        .documentName(SsmCommandAdapter.DOCUMENT)
        .instanceIds(instanceId)
        .comment("bfd-migrator-operator: stop the migrator service (runbook: make sure no migration runs)")
        .timeoutSeconds(120)
        .parameters(Map.of("commands", List.of(script))))
        .command().commandId());
  }

  @Override
  public void terminateInstance(AwsTarget target, String instanceId) {
    once("ec2", "TerminateInstances", () -> clients.ec2Once(target).terminateInstances(b -> b.instanceIds(instanceId)));
  }

  /** One call; no answer at all comes out as {@link UnansweredException}, since AWS may have acted. */
  private static <T> T once(String service, String operation, Supplier<T> call) {
    try {
      return AwsErrors.call(service, operation, call);
    } catch (AwsCallException e) {
      throw AwsErrors.unanswered(e.getCause()) ? new UnansweredException(e.failure(), e.getCause()) : e;
    }
  }
}
