package gov.cms.bfd.migrator.operator.aws;

import static gov.cms.bfd.migrator.operator.aws.AwsErrors.call;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.ConfigPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** {@link ConfigPort} on STS, SSM Parameter Store and KMS. */
@ApplicationScoped
public class ConfigCheckAdapter implements ConfigPort {

  private final AwsClients clients;

  public ConfigCheckAdapter(AwsClients clients) {
    this.clients = clients;
  }

  @Override
  public String callerArn(AwsTarget target) {
    return call("sts", "GetCallerIdentity", () -> clients.sts(target).getCallerIdentity().arn());
  }

  @Override
  public int parameterCount(AwsTarget target, String path) {
    return call("ssm", "GetParametersByPath", () -> clients.ssm(target)
        .getParametersByPathPaginator(b -> b.path(path).recursive(true).withDecryption(false))
        .stream().mapToInt(page -> page.parameters().size()).sum());
  }

  @Override
  public Optional<String> parameter(AwsTarget target, String name) {
    return call("ssm", "GetParameter", () -> {
      try {
        return Optional.of(clients.ssm(target).getParameter(b -> b.name(name).withDecryption(false))
            .parameter().value());
      } catch (ParameterNotFoundException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public String keyState(AwsTarget target, String alias) {
    String keyId = alias.startsWith("alias/") || alias.startsWith("arn:") ? alias : "alias/" + alias;
    return call("kms", "DescribeKey", () -> clients.kms(target).describeKey(b -> b.keyId(keyId))
        .keyMetadata().keyStateAsString());
  }
}
