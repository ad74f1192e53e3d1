package gov.cms.bfd.migrator.operator.testbed;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (target/quarkus-app) as a separate process against the test bed, which a test can
 * kill outright (SIGKILL) and start again. It dies with the test JVM too ({@code setpriv --pdeathsig}).
 */
public final class OperatorProcess implements AutoCloseable {

  /** AWS's 60-second purge window at the tests' timing (the realism layer's, and %test in application.properties). */
  public static final Duration PURGE_WINDOW = Duration.ofSeconds(5);
  /** SQS's counts lag at the tests' timing. */
  public static final Duration COUNTS_LAG = Duration.ofSeconds(3);
  /** How long after its intent an unanswered call may have reached AWS, for reconciles that take a second. */
  public static final Duration UNANSWERED_REACH = Duration.ofSeconds(20);

  private final Process process;
  private final Path log;
  private final URI base;

  private OperatorProcess(Process process, Path log, URI base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  public static OperatorProcess start(TestBed bed, URI awsEndpoint, String name) throws IOException, InterruptedException {
    return start(bed, awsEndpoint, name, Map.of(), "/q/health/ready");
  }

  /**
   * With more environment (LEADER_ELECTION_*, WATCH_SELECTOR, ...), waiting until {@code healthPath} answers 200
   * (a standby replica is live, not ready).
   */
  public static OperatorProcess start(TestBed bed, URI awsEndpoint, String name, Map<String, String> env,
      String healthPath) throws IOException, InterruptedException {
    return start(bed.projectRoot(), bed.kubeconfigFile(), awsEndpoint, name, env, healthPath);
  }

  /** Against the API server of {@code kubeconfig} (a {@link DedicatedApiServer}'s, say). */
  public static OperatorProcess start(Path projectRoot, Path kubeconfig, URI awsEndpoint, String name,
      Map<String, String> env, String healthPath) throws IOException, InterruptedException {
    Path jar = projectRoot.resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no " + jar + ": this test runs after `mvn package` (mvn verify)");
    }
    int port;
    try (var socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("operator-" + name + "-", ".log");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      command.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
    }
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("AWS_ENDPOINT_URL", awsEndpoint.toString());
    builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    builder.environment().put("AWS_REGION", "us-east-1");
    // AWS's purge window and counts lag at the timings the tests' realism layer runs them (application.properties).
    builder.environment().put("MIGRATOR_AWS_TIMING_PURGE_WINDOW", PURGE_WINDOW.toSeconds() + "s");
    builder.environment().put("MIGRATOR_AWS_TIMING_COUNTS_LAG", COUNTS_LAG.toSeconds() + "s");
    builder.environment().put("MIGRATOR_UNANSWERED_REACH", UNANSWERED_REACH.toSeconds() + "s");
    builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().putAll(env);
    URI base = URI.create("http://127.0.0.1:" + port);
    var operator = new OperatorProcess(builder.start(), log, base);
    operator.awaitReady(base.resolve(healthPath));
    return operator;
  }

  /**
   * GET a path of the operator's HTTP port (/q/metrics, /q/health/ready): status code and body. An answer that does
   * not come within 30 s fails the call ({@link java.net.http.HttpTimeoutException}), so a test never waits forever.
   */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no last status write. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  private void awaitReady(URI ready) throws IOException, InterruptedException {
    var http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited at start:\n" + log());
      }
      try {
        if (http.send(HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the operator was not ready within 90s:\n" + log());
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
