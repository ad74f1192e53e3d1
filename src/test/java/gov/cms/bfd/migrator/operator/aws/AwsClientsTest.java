package gov.cms.bfd.migrator.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Clients of regions and roles no resource uses any more are closed; their number has a bound; a call that changes
 * something reaches AWS once even when the connection drops before the answer.
 */
class AwsClientsTest {

  private static final Optional<String> ROLE = Optional.of("arn:aws:iam::123456789012:role/bfd-migrator-operator");

  private static AwsClients clients() {
    return clients(URI.create("http://127.0.0.1:1"));
  }

  private static AwsClients clients(URI endpoint) {
    return new AwsClients(new AwsSettings() {
      @Override
      public Optional<URI> endpointUrl() {
        return Optional.of(endpoint);
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

  /**
   * AWS (here a server that reads each request and closes the connection without answering) may have acted on a
   * call whose answer never came: PurgeQueue is sent once, neither retried by the SDK nor resent by the HTTP client.
   */
  @Test
  void aPurgeWhoseAnswerNeverComesIsSentOnce() throws Exception {
    var purges = new AtomicInteger();
    try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      var accepting = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket socket = server.accept()) {
            if (readRequest(socket.getInputStream()).contains("AmazonSQS.PurgeQueue")) {
              purges.incrementAndGet();
            }
          } catch (IOException e) {
            // closed
          }
        }
      });
      accepting.setDaemon(true);
      accepting.start();
      var clients = clients(URI.create("http://127.0.0.1:" + server.getLocalPort()));
      var target = new AwsTarget("us-east-1", Optional.empty());

      assertThatThrownBy(() -> clients.sqsOnce(target).purgeQueue(r -> r.queueUrl(
          "http://127.0.0.1:" + server.getLocalPort() + "/123456789012/bfd-test-migrator")))
          .isInstanceOf(SdkClientException.class);

      assertThat(purges).hasValue(1);
      clients.close();
    }
  }

  /** The request's head and its body (Content-Length bytes), as text. */
  private static String readRequest(InputStream in) throws IOException {
    var head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return head.toString();
      }
      head.append((char) c);
    }
    int length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
        .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
