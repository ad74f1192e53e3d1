package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.CommandPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

/** {@link CommandPort} on SSM Run Command with the AWS-RunShellScript document. */
@ApplicationScoped
public class SsmCommandAdapter implements CommandPort {

  public static final String DOCUMENT = "AWS-RunShellScript";
  private final AwsClients clients;

  public SsmCommandAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public String send(AwsTarget target, String instanceId, String shellCommand) {
    return call("ssm", "SendCommand", () -> clients.ssm(target).sendCommand(b -> b
        .documentName(DOCUMENT)
        .instanceIds(instanceId)
        .comment("bfd-migrator-operator: read the migrator's systemd state")
        .timeoutSeconds(60)
        .parameters(java.util.Map.of("commands", List.of(shellCommand))))
        .command().commandId());
  }

  @Override
  public Optional<Invocation> invocation(AwsTarget target, String commandId, String instanceId) {
    return call("ssm", "GetCommandInvocation", () -> {
      try {
        var invocation = clients.ssm(target).getCommandInvocation(b -> b.commandId(commandId).instanceId(instanceId));
        return Optional.of(new Invocation(invocation.statusAsString(),
            nullToEmpty(invocation.standardOutputContent()), nullToEmpty(invocation.standardErrorContent())));
      } catch (InvocationDoesNotExistException e) {
        return Optional.empty();
      }
    });
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
