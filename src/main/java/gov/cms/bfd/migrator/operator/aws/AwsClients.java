package gov.cms.bfd.migrator.operator.aws;

import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * SDK clients per service, region and assumed role, built once and reused. The endpoint is AWS's unless
 * {@code migrator.aws.endpoint-url} (AWS_ENDPOINT_URL) points elsewhere; a role in the spec is assumed
 * through STS, its credentials cached and refreshed before they expire; every call passes the
 * interceptors the application provides (call metrics, and in tests, faults). Calls that change something
 * go through clients that send them once ({@link #sqsOnce}, {@link #ssmOnce}, {@link #ec2Once}).
 *
 * <p>Every client shares one of two HTTP clients instead of building its own (a connection pool, and its classes,
 * per client and per region and role): the reads go through the JDK's HttpURLConnection (the SDK's
 * url-connection-client: no classes or threads of its own beyond the JDK's), the calls sent once through one Apache
 * client, built at the first such call. HttpURLConnection may resend a POST by itself when a connection closes before
 * the answer (sun.net.http.retryPost, on by default), which for a read only repeats a read; the SDK turns Apache's
 * own retries off, so a destructive call reaches AWS once per attempt the retry strategy allows, and the strategy
 * allows none but after throttling (AwsClientsTest).
 */
@ApplicationScoped
public class AwsClients {

  // Long enough for a 1-second long poll plus the network, short enough that a hung call is a failure.
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
  /**
   * For calls that change something: retried only when AWS refused them before acting (throttling), never
   * after a time-out, a reset connection or a 5xx, after which AWS may already have acted.
   */
  private static final RetryStrategy ONLY_WHEN_THROTTLED = StandardRetryStrategy.builder()
      .maxAttempts(3)
      .retryOnException(AwsClients::throttled)
      .treatAsThrottling(AwsClients::throttled)
      .circuitBreakerEnabled(false)
      .useClientDefaults(false)
      .build();

  private static final int TIMEOUT_THREADS = 2;
  /**
   * The most regions and credentials (role and session) with clients at once; beyond it the least recently used
   * are closed. A fleet of environments behind assumed roles holds one set per resource; the rest, one per region.
   */
  static final int MAX_IDENTITIES = 256;
  private static final AtomicInteger TIMEOUT_THREAD_NUMBER = new AtomicInteger();

  private final AwsSettings settings;
  private final AwsCredentialsProvider baseCredentials;
  private final List<ExecutionInterceptor> interceptors;
  private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
  private final Map<String, AssumedRole> roles = new ConcurrentHashMap<>();
  /** When each region and credentials' clients were last asked for (System.nanoTime), for eviction. */
  private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
  /**
   * The timers of every client's attempt and call time-outs. Each SDK client would otherwise start its own pool of
   * five threads: 45 threads for one region's nine clients, and as many more per region and role.
   */
  private final ScheduledExecutorService timeouts = Executors.newScheduledThreadPool(TIMEOUT_THREADS, runnable -> {
    Thread thread = new Thread(runnable, "aws-timeouts-" + TIMEOUT_THREAD_NUMBER.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });
  /** The HTTP client of every read (the SDK clients do not close a client they were given). */
  private final SdkHttpClient readHttp = UrlConnectionHttpClient.builder()
      .socketTimeout(ATTEMPT_TIMEOUT)
      .build();
  /** The HTTP client of the calls sent once, built when the first is made (an idle fleet never needs it). */
  private volatile SdkHttpClient onceHttp;

  @Inject
  public AwsClients(AwsSettings settings, Instance<ExecutionInterceptor> interceptors) {
    this(settings, interceptors.stream().toList());
  }

  public AwsClients(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
    this.settings = settings;
    this.interceptors = List.copyOf(interceptors);
    this.baseCredentials = settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
            settings.secretAccessKey().get()))
        : DefaultCredentialsProvider.builder().build();
  }

  public SqsClient sqs(AwsTarget target) {
    return client("sqs", target, SqsClient.class, SqsClient.builder());
  }

  public Ec2Client ec2(AwsTarget target) {
    return client("ec2", target, Ec2Client.class, Ec2Client.builder());
  }

  public CloudWatchLogsClient logs(AwsTarget target) {
    return client("logs", target, CloudWatchLogsClient.class, CloudWatchLogsClient.builder());
  }

  public SsmClient ssm(AwsTarget target) {
    return client("ssm", target, SsmClient.class, SsmClient.builder());
  }

  public KmsClient kms(AwsTarget target) {
    return client("kms", target, KmsClient.class, KmsClient.builder());
  }

  public StsClient sts(AwsTarget target) {
    return client("sts", target, StsClient.class, StsClient.builder());
  }

  /**
   * SQS for a call that changes something (PurgeQueue), sent once: the SDK's retry after a time-out or a reset
   * connection would repeat a call AWS may already have acted on. Only throttling is retried. The operator
   * verifies what a call did by observing.
   */
  public SqsClient sqsOnce(AwsTarget target) {
    return client("sqs-once", target, SqsClient.class, SqsClient.builder());
  }

  /** SSM for SendCommand, sent once: see {@link #sqsOnce}. */
  public SsmClient ssmOnce(AwsTarget target) {
    return client("ssm-once", target, SsmClient.class, SsmClient.builder());
  }

  /** EC2 for TerminateInstances, sent once: see {@link #sqsOnce}. */
  public Ec2Client ec2Once(AwsTarget target) {
    return client("ec2-once", target, Ec2Client.class, Ec2Client.builder());
  }

  public SqsClient sqs(String region) {
    return sqs(new AwsTarget(region, Optional.empty()));
  }

  public Ec2Client ec2(String region) {
    return ec2(new AwsTarget(region, Optional.empty()));
  }

  public StsClient sts(String region) {
    return sts(new AwsTarget(region, Optional.empty()));
  }

  private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(
      String service, AwsTarget target, Class<C> type, B builder) {
    String identity = identity(target);
    String key = service + "/" + identity;
    boolean once = service.endsWith("-once");
    lastUsed.put(identity, System.nanoTime());
    C client = type.cast(clients.computeIfAbsent(key, k -> configure(builder, target.region(), credentials(target), once)
        .build()));
    if (lastUsed.size() > MAX_IDENTITIES) {
      evictLeastRecentlyUsed();
    }
    return client;
  }

  /**
   * The clients of one region and credentials: the operator's own (no role: the session name does not apply),
   * or a role assumed under one session name.
   */
  private static String identity(AwsTarget target) {
    return target.region() + "/" + target.roleArn().map(role -> role + "/" + target.session()).orElse("");
  }

  /**
   * Closes the clients and assumed-role credentials of every region, role and session that no live resource
   * uses any more (a resource deleted, an environment moved to another region or role).
   */
  public void retainOnly(Set<AwsTarget> live) {
    Set<String> keep = new HashSet<>();
    live.forEach(t -> {
      keep.add(identity(t));
      keep.add(identity(t.shared()));
    });
    List.copyOf(lastUsed.keySet()).stream().filter(identity -> !keep.contains(identity)).forEach(this::evict);
  }

  /** How many regions and credentials have clients now. */
  int identities() {
    return lastUsed.size();
  }

  private void evictLeastRecentlyUsed() {
    lastUsed.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).ifPresent(this::evict);
  }

  private void evict(String identity) {
    lastUsed.remove(identity);
    clients.entrySet().removeIf(e -> {
      boolean gone = e.getKey().substring(e.getKey().indexOf('/') + 1).equals(identity);
      if (gone) {
        e.getValue().close();
      }
      return gone;
    });
    var provider = roles.remove(identity);
    if (provider != null) {
      provider.close();
    }
  }

  private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> B configure(
      B builder, String region, AwsCredentialsProvider credentials) {
    return configure(builder, region, credentials, false);
  }

  private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> B configure(
      B builder, String region, AwsCredentialsProvider credentials, boolean once) {
    var override = ClientOverrideConfiguration.builder()
        .executionInterceptors(interceptors)
        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
        .apiCallTimeout(CALL_TIMEOUT)
        .scheduledExecutorService(timeouts);
    if (once) {
      override.retryStrategy(ONLY_WHEN_THROTTLED);
    }
    builder.region(Region.of(region)).credentialsProvider(credentials).overrideConfiguration(override.build())
        .httpClient(once ? onceHttp() : readHttp);
    settings.endpointUrl().ifPresent(builder::endpointOverride);
    return builder;
  }

  private SdkHttpClient onceHttp() {
    SdkHttpClient http = onceHttp;
    if (http == null) {
      synchronized (this) {
        if (onceHttp == null) {
          onceHttp = Apache5HttpClient.builder().socketTimeout(ATTEMPT_TIMEOUT).build();
        }
        http = onceHttp;
      }
    }
    return http;
  }

  private AwsCredentialsProvider credentials(AwsTarget target) {
    if (target.roleArn().isEmpty()) {
      return baseCredentials;
    }
    String role = target.roleArn().get();
    // One session per resource: CloudTrail then names the MigratorDeployment behind every call.
    return roles.computeIfAbsent(identity(target), k -> {
      StsClient sts = configure(StsClient.builder(), target.region(), baseCredentials).build();
      return new AssumedRole(sts, StsAssumeRoleCredentialsProvider.builder()
          .stsClient(sts)
          .refreshRequest(r -> r.roleArn(role).roleSessionName(target.session()))
          // Refresh well before expiry, so a call never carries credentials about to lapse.
          .staleTime(Duration.ofMinutes(5))
          .prefetchTime(Duration.ofMinutes(10))
          .build());
    }).credentials();
  }

  /** A role's credentials and the STS client that refreshes them; the provider does not close that client. */
  private record AssumedRole(StsClient sts, StsAssumeRoleCredentialsProvider credentials) {
    void close() {
      credentials.close();
      sts.close();
    }
  }

  private static boolean throttled(Throwable error) {
    return error instanceof AwsServiceException e && e.isThrottlingException();
  }

  @PreDestroy
  void close() {
    clients.values().forEach(SdkClient::close);
    clients.clear();
    roles.values().forEach(AssumedRole::close);
    roles.clear();
    readHttp.close();
    if (onceHttp != null) {
      onceHttp.close();
    }
    timeouts.shutdownNow();
  }
}
