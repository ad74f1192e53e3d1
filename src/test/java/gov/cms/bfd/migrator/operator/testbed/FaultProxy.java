package gov.cms.bfd.migrator.operator.testbed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of moto that answers AWS calls with a fault while one is active, the way AWS and
 * the network fail: an error response in the protocol of the service (JSON for SQS, SSM, Logs and KMS, XML
 * for EC2 and STS), a response that comes too late, or a connection reset. It counts the destructive calls
 * (PurgeQueue, TerminateInstances, SendCommand) that reached moto, with their bodies and times, so a test
 * can tell which environment they were for and whether one was made twice.
 *
 * <p>A fault starts at once ({@link #start}) or at the next call of one operation ({@link #arm}), so that
 * a destructive call itself meets the fault. The answer to one call can also be held after AWS acted, until
 * the test lets it go ({@link #holdAnswerOf}), to pick a moment. One request per connection
 * ({@code Connection: close}).
 */
public final class FaultProxy implements AutoCloseable {

  /** The faults, each as AWS or the network shows it to the SDK. */
  public enum Fault {
    /** 400 ThrottlingException (EC2: 503 RequestLimitExceeded); not forwarded. */
    THROTTLING("throttling"),
    /** 500 InternalError; not forwarded. */
    HTTP_500("HTTP 500"),
    /** 503 ServiceUnavailable; not forwarded. */
    HTTP_503("HTTP 503"),
    /** Forwarded, and the answer held past the SDK's 5 s attempt timeout (until the fault clears, at most 8 s). */
    SLOW("slow past timeout"),
    /** Forwarded, then the connection reset (RST) instead of an answer: AWS acted, the caller never hears. */
    CONNECTION_RESET("connection reset"),
    /** 400 ExpiredToken (JSON services: ExpiredTokenException); not forwarded. */
    EXPIRED_TOKEN("expired credentials"),
    /** 403 AccessDenied (EC2: UnauthorizedOperation, SSM/Logs/KMS: AccessDeniedException); not forwarded. */
    ACCESS_DENIED("AccessDenied");

    private final String label;

    Fault(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** Whether the call reaches moto before the fault shows. */
    public boolean forwards() {
      return this == SLOW || this == CONNECTION_RESET;
    }
  }

  /** A destructive call that reached moto. */
  public record Forwarded(Instant at, String operation, String body) {}

  public static final Set<String> DESTRUCTIVE = Set.of("PurgeQueue", "TerminateInstances", "SendCommand");
  static final Duration SLOW_BY = Duration.ofSeconds(8);
  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade", "keep-alive", "proxy-connection", "te", "trailer");
  private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");

  private final ServerSocket server;
  private final URI target;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Forwarded> destructive = new ArrayList<>();
  private final Map<String, AtomicInteger> faultedByOperation = new ConcurrentHashMap<>();
  private final AtomicInteger forwardedCalls = new AtomicInteger();
  private final Object lock = new Object();
  private Fault armed;
  private String armedOn;
  private Fault active;
  private Instant activeSince;
  private final AtomicReference<Hold> holdNext = new AtomicReference<>();
  private volatile Hold hold = new Hold("", body -> false);
  private volatile boolean closed;

  public FaultProxy(URI target) throws IOException {
    this.target = target;
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Every call gets {@code fault} from now on, until {@link #clear}. */
  public void start(Fault fault) {
    synchronized (lock) {
      armed = null;
      active = fault;
      activeSince = Instant.now();
    }
  }

  /** The next call of {@code operation} (e.g. PurgeQueue) starts {@code fault} for every call, until {@link #clear}. */
  public void arm(Fault fault, String operation) {
    synchronized (lock) {
      armed = fault;
      armedOn = operation;
    }
  }

  /** Healthy again; a slow answer being held is let go. */
  public Instant clear() {
    synchronized (lock) {
      armed = null;
      active = null;
      activeSince = null;
      lock.notifyAll();
      return Instant.now();
    }
  }

  /**
   * The next call of {@code operation} reaches moto, and its answer waits until {@link #releaseHeld} (or the
   * caller's own time-out, after which it is lost).
   */
  public void holdAnswerOf(String operation) {
    holdAnswerOf(operation, body -> true);
  }

  /** As {@link #holdAnswerOf(String)}, for the next call of {@code operation} whose body {@code matches}. */
  public void holdAnswerOf(String operation, Predicate<String> matches) {
    hold.released().countDown();
    hold = new Hold(operation, matches);
    holdNext.set(hold);
  }

  /** Whether the call is being held, waiting up to {@code atMost}. */
  public boolean awaitHeld(Duration atMost) throws InterruptedException {
    return hold.held().await(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends the held answer on. */
  public void releaseHeld() {
    hold.released().countDown();
  }

  /** When the active fault started (an armed one, at its first call). */
  public Optional<Instant> activeSince() {
    synchronized (lock) {
      return Optional.ofNullable(activeSince);
    }
  }

  /** The destructive calls that reached moto, oldest first. */
  public List<Forwarded> destructive() {
    synchronized (destructive) {
      return List.copyOf(destructive);
    }
  }

  /** Calls answered with a fault (or held, or reset), by operation. */
  public Map<String, Integer> faulted() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    faultedByOperation.forEach((op, n) -> counts.put(op, n.get()));
    return counts;
  }

  public int faultedTotal() {
    return faultedByOperation.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int forwardedTotal() {
    return forwardedCalls.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        workers.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("fault proxy: " + e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      Request request = Request.read(socket.getInputStream());
      if (request == null) {
        return;
      }
      Hold taken = takeHold(request);
      if (taken != null) {
        Response response = forward(request);
        taken.held().countDown();
        taken.released().await(5, TimeUnit.MINUTES);
        reply(socket, response);
        return;
      }
      Fault fault = faultFor(request.operation());
      if (fault == null) {
        reply(socket, forward(request));
        return;
      }
      faultedByOperation.computeIfAbsent(request.operation(), k -> new AtomicInteger()).incrementAndGet();
      switch (fault) {
        case SLOW -> {
          Response response = forward(request);
          holdWhileActive(SLOW_BY);
          reply(socket, response);
        }
        case CONNECTION_RESET -> {
          forward(request);
          socket.setSoLinger(true, 0); // close with RST, not FIN
        }
        default -> reply(socket, errorFor(fault, request));
      }
    } catch (IOException e) {
      // the client gave up (attempt timeout) or the socket was reset on purpose
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The hold this call is for, taken (once), or null. */
  private Hold takeHold(Request request) {
    Hold wanted = holdNext.get();
    boolean matches = wanted != null && wanted.operation().equals(request.operation())
        && wanted.matches().test(new String(request.body(), StandardCharsets.UTF_8));
    return matches && holdNext.compareAndSet(wanted, null) ? wanted : null;
  }

  private Fault faultFor(String operation) {
    synchronized (lock) {
      if (active == null && armed != null && armedOn.equals(operation)) {
        active = armed;
        activeSince = Instant.now();
        armed = null;
      }
      return active;
    }
  }

  private void holdWhileActive(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    synchronized (lock) {
      while (active != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private Response forward(Request request) throws IOException, InterruptedException {
    var builder = HttpRequest.newBuilder(target.resolve(request.path()))
        .timeout(Duration.ofSeconds(30))
        .method(request.method(), request.body().length == 0 && !"POST".equals(request.method())
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach((name, value) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        builder.header(name, value);
      }
    });
    HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    forwardedCalls.incrementAndGet();
    if (DESTRUCTIVE.contains(request.operation())) {
      synchronized (destructive) {
        destructive.add(new Forwarded(Instant.now(), request.operation(),
            new String(request.body(), StandardCharsets.UTF_8)));
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    response.headers().map().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        headers.put(name, String.join(",", values));
      }
    });
    return new Response(response.statusCode(), headers, response.body());
  }

  /** The error AWS sends for this fault, in the protocol of the request's service. */
  static Response errorFor(Fault fault, Request request) {
    String service = request.service();
    boolean json = request.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("X-Amz-Target"));
    int status;
    String code;
    String message;
    switch (fault) {
      case THROTTLING -> {
        status = "ec2".equals(service) ? 503 : 400;
        code = switch (service) {
          case "ec2" -> "RequestLimitExceeded";
          case "sts" -> "Throttling";
          default -> "ThrottlingException";
        };
        message = "Rate exceeded";
      }
      case HTTP_500 -> {
        status = 500;
        code = json && !"sqs".equals(service) ? "InternalFailure" : "InternalError";
        message = "We encountered an internal error. Please try again.";
      }
      case HTTP_503 -> {
        status = 503;
        code = "ec2".equals(service) ? "Unavailable" : "ServiceUnavailable";
        message = "Service is unavailable. Please try again.";
      }
      case EXPIRED_TOKEN -> {
        status = 400;
        code = json ? "ExpiredTokenException" : "ExpiredToken";
        message = "The security token included in the request is expired";
      }
      case ACCESS_DENIED -> {
        status = json && !"sqs".equals(service) ? 400 : 403;
        code = switch (service) {
          case "ec2" -> "UnauthorizedOperation";
          case "sqs", "sts" -> "AccessDenied";
          default -> "AccessDeniedException";
        };
        message = "User: arn:aws:sts::123456789012:assumed-role/bfd-migrator-operator/test is not authorized to perform: "
            + service + ":" + request.operation();
      }
      default -> throw new IllegalArgumentException(fault + " has no error response");
    }
    String requestId = UUID.randomUUID().toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-amzn-RequestId", requestId);
    String body;
    if (json) {
      headers.put("Content-Type", "application/x-amz-json-1.0");
      headers.put("x-amzn-ErrorType", code);
      if ("sqs".equals(service)) {
        headers.put("x-amzn-query-error", code + ";" + (status >= 500 ? "Receiver" : "Sender"));
      }
      body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}";
    } else if ("ec2".equals(service)) {
      headers.put("Content-Type", "text/xml;charset=UTF-8");
      body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
          + message + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>";
    } else {
      headers.put("Content-Type", "text/xml");
      body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
          + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>" + message
          + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
    }
    return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(Socket socket, Response response) throws IOException {
    OutputStream out = socket.getOutputStream();
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
        .append(reason(response.status())).append("\r\n");
    response.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(response.body().length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(response.body());
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  @Override
  public void close() {
    closed = true;
    hold.released().countDown();
    clear();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    workers.shutdownNow();
  }

  /** One call to hold: which, and the moments it is held and let go. */
  private record Hold(String operation, Predicate<String> matches, CountDownLatch held, CountDownLatch released) {
    Hold(String operation, Predicate<String> matches) {
      this(operation, matches, new CountDownLatch(1), new CountDownLatch(1));
    }
  }

  /** An answer to send back. */
  record Response(int status, Map<String, String> headers, byte[] body) {}

  /** One HTTP/1.1 request as the SDK sends it: the operation from X-Amz-Target or the form's Action. */
  record Request(String method, String path, Map<String, String> headers, byte[] body) {

    static Request read(InputStream in) throws IOException {
      String requestLine = line(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return null;
      }
      String[] parts = requestLine.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
      }
      byte[] body;
      if ("chunked".equalsIgnoreCase(header(headers, "Transfer-Encoding"))) {
        body = chunked(in);
      } else {
        String length = header(headers, "Content-Length");
        body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
      }
      return new Request(parts[0], parts[1], headers, body);
    }

    String operation() {
      String amzTarget = header(headers, "X-Amz-Target");
      if (amzTarget != null) {
        return amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
      }
      for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
        if (pair.startsWith("Action=")) {
          return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
        }
      }
      return method + " " + path;
    }

    /** The service in the signature's credential scope: sqs, ec2, ssm, logs, kms, sts. */
    String service() {
      String authorization = header(headers, "Authorization");
      if (authorization != null) {
        Matcher m = SCOPE.matcher(authorization);
        if (m.find()) {
          return m.group(1);
        }
      }
      return "unknown";
    }

    private static String header(Map<String, String> headers, String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
          .findFirst().orElse(null);
    }

    private static byte[] chunked(InputStream in) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        String size = line(in);
        if (size == null) {
          return out.toByteArray();
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
            // trailers (checksums) are not needed by moto
          }
          return out.toByteArray();
        }
        out.write(in.readNBytes(n));
        line(in);
      }
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          break;
        }
        if (c != '\r') {
          out.write(c);
        }
      }
      if (c == -1 && out.size() == 0) {
        return null;
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
