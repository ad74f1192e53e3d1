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
import java.util.concurrent.TimeUnit;

/**
 * moto in server mode on a free loopback port, from the project's .venv, behind the realism layer that plays what a
 * real AWS account does and moto does not ({@link Realism} says which behaviours, at which timings); state and the
 * layer's switches reset between tests.
 */
public final class MotoServer {

  private final Process process;
  private final URI endpoint;
  private final RealismLayer realism;
  private final HttpClient http = HttpClient.newHttpClient();

  private MotoServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.realism = new RealismLayer(endpoint);
  }

  static MotoServer start(Path projectRoot) {
    Path python = projectRoot.resolve(".venv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException("No " + python + ": run `make test-deps` to install moto.");
    }
    int port = freePort();
    try {
      Path log = Files.createTempFile("moto-", ".log");
      Process process = new ProcessBuilder(python.toString(),
          projectRoot.resolve("hack/moto_server_guarded.py").toString(), String.valueOf(port), "--exit-with-parent",
          "--realism", Realism.behaviourSpec(), "--realism-settings", Realism.settingsSpec())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      var server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
      server.awaitUp(log);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("could not start moto: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The realism layer's switches, timings and the truth of what moto holds. */
  public RealismLayer realism() {
    return realism;
  }

  /** Forgets every queue, instance, parameter and log moto holds; the realism layer back to the test bed's settings. */
  public void reset() {
    send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    realism.reset();
  }

  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitUp(Path log) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto exited at start:\n" + Files.readString(log));
      }
      try {
        var response = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(100);
    }
    stop();
    throw new IllegalStateException("moto did not answer on " + endpoint + " within 60s:\n" + Files.readString(log));
  }

  private void send(HttpRequest request) {
    try {
      var response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
      }
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the operator's AWS clients need to talk to moto at {@code endpoint} (moto, or a proxy in front of it). */
  public static gov.cms.bfd.migrator.operator.aws.AwsSettings clientSettings(URI endpoint) {
    return new gov.cms.bfd.migrator.operator.aws.AwsSettings() {
      @Override
      public java.util.Optional<URI> endpointUrl() {
        return java.util.Optional.of(endpoint);
      }

      @Override
      public java.util.Optional<String> accessKeyId() {
        return java.util.Optional.of("testing");
      }

      @Override
      public java.util.Optional<String> secretAccessKey() {
        return java.util.Optional.of("testing");
      }
    };
  }
}
