package gov.cms.bfd.migrator.operator.testbed;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of moto that can hold one kind of AWS call (by its X-Amz-Target, e.g.
 * {@code AmazonSQS.PurgeQueue}) before or after forwarding it, so a test can kill the operator exactly
 * between recording an intent and acting, or between acting and recording the outcome. Counts the calls of
 * that kind that reached moto. It listens on loopback, or on an address that pods of a node in a container reach
 * (ClusterE2EIT).
 */
public final class HoldingProxy implements AutoCloseable {

  /** Where a held call waits. */
  public enum Hold { NONE, BEFORE_FORWARDING, AFTER_FORWARDING }

  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade", "keep-alive");
  private final HttpServer server;
  private final URI target;
  private final String heldTarget;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Hold hold = Hold.NONE;

  public HoldingProxy(URI target, String heldTarget) throws IOException {
    this(target, heldTarget, InetAddress.getLoopbackAddress());
  }

  /** Listening on {@code address} (a free port). */
  public HoldingProxy(URI target, String heldTarget, InetAddress address) throws IOException {
    this.target = target;
    this.heldTarget = heldTarget;
    server = HttpServer.create(new InetSocketAddress(address, 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "holding-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  public void hold(Hold where) {
    hold = where;
  }

  /** Waits until a call of the held kind is being held. */
  public boolean awaitHolding(long seconds) throws InterruptedException {
    return holding.await(seconds, TimeUnit.SECONDS);
  }

  /** How many calls of the held kind reached moto. */
  public int forwarded() {
    return forwarded.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean held = heldTarget.equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (held && hold == Hold.BEFORE_FORWARDING) {
        holding.countDown();
        awaitRelease();
        return; // dropped: the call never reaches AWS
      }
      var request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase())) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (held) {
        forwarded.incrementAndGet();
        if (hold == Hold.AFTER_FORWARDING) {
          holding.countDown();
          awaitRelease();
          return; // AWS acted; the caller never hears of it
        }
      }
      response.headers().map().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      exchange.getResponseBody().write(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets a held call end (its caller hears nothing), and holds no more calls; the proxy goes on forwarding. */
  public void release() {
    hold = Hold.NONE;
    release.countDown();
  }

  private void awaitRelease() throws InterruptedException {
    release.await(5, TimeUnit.MINUTES);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
