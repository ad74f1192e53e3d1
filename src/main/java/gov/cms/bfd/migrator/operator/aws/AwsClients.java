package gov.cms.bfd.migrator.operator.aws;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * SDK clients per service and region, built once and reused: the region is the spec's, the endpoint is
 * AWS's unless {@code migrator.aws.endpoint-url} (AWS_ENDPOINT_URL) points elsewhere.
 */
@ApplicationScoped
public class AwsClients {

  private final AwsSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();

  public AwsClients(AwsSettings settings) {
    this.settings = settings;
    this.credentials = settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
            settings.secretAccessKey().get()))
        : DefaultCredentialsProvider.builder().build();
  }

  public SqsClient sqs(String region) {
    return client("sqs", region, SqsClient.class, SqsClient.builder());
  }

  public Ec2Client ec2(String region) {
    return client("ec2", region, Ec2Client.class, Ec2Client.builder());
  }

  public StsClient sts(String region) {
    return client("sts", region, StsClient.class, StsClient.builder());
  }

  private <C extends SdkClient, B extends AwsClientBuilder<B, C>> C client(String service, String region,
      Class<C> type, B builder) {
    return type.cast(clients.computeIfAbsent(service + "/" + region, key -> {
      builder.region(Region.of(region)).credentialsProvider(credentials);
      settings.endpointUrl().ifPresent(builder::endpointOverride);
      return builder.build();
    }));
  }

  @PreDestroy
  void close() {
    clients.values().forEach(SdkClient::close);
    clients.clear();
  }
}
