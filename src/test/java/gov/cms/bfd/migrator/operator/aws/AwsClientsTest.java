package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Clients of regions and roles no resource uses any more are closed; their number has a bound. */
class AwsClientsTest {

  private static final Optional<String> ROLE = Optional.of("arn:aws:iam::123456789012:role/bfd-migrator-operator");

  private static AwsClients clients() {
    return new AwsClients(new AwsSettings() {
      @Override
      public Optional<URI> endpointUrl() {
        return Optional.of(URI.create("http://127.0.0.1:1"));
      }

      @Override
      public Optional<String> accessKeyId() {
        return Optional.of("testing");
      }

      @Override
      public Optional<String> secretAccessKey() {
        return Optional.of("testing");
      }
    }, List.of());
  }

  @Test
  void theClientsOfTargetsNoResourceUsesAreClosed() {
    var clients = clients();
    var kept = AwsTarget.of("us-east-1", ROLE, "bfd", "prod");
    var gone = AwsTarget.of("us-west-2", ROLE, "bfd", "deleted");
    clients.sqs(kept);
    clients.sqs(kept.shared());
    clients.sqs(gone);
    clients.ec2(new AwsTarget("eu-west-1", Optional.empty()));
    assertThat(clients.identities()).isEqualTo(4);

    clients.retainOnly(Set.of(kept));

    assertThat(clients.identities()).isEqualTo(2);
    clients.close();
  }

  @Test
  void theNumberOfRegionsAndCredentialsWithClientsIsBounded() {
    var clients = clients();
    for (int i = 0; i < AwsClients.MAX_IDENTITIES + 20; i++) {
      clients.sqs(AwsTarget.of("us-east-1", ROLE, "bfd", "env-" + i));
    }

    assertThat(clients.identities()).isEqualTo(AwsClients.MAX_IDENTITIES);
    clients.close();
  }
}
