package gov.cms.bfd.migrator.operator.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the queue as DESIGN §3 says: approximate counts first (one call when idle, the URL cached); a
 * bounded sample read with visibility timeout 0 when there is something, by long polls (a short poll asks only some
 * of SQS's servers and returns a changing subset, so the run, its stage and the status would change with it from
 * one poll to the next); and before the deploy gate opens (a change to "empty") a long-polling receive to confirm,
 * because counts lag and a short poll can miss.
 * A queue with a RedrivePolicy is read by its counts only: every receive raises a message's receive count, and
 * enough of them move it, evidence and all, to the dead-letter queue; its counts must stay 0 for longer than they
 * can lag before it counts as empty. Before a purge, {@link #browse} reads the whole queue.
 */
@ApplicationScoped
public class QueueObserver {

  /** The most messages kept as evidence; the status bound depends on it. */
  public static final int SAMPLE_MAX = 20;
  private static final int RECEIVES_MAX = 3;
  private static final int CONFIRM_WAIT_SECONDS = 1;
  /**
   * The sample's receives long-poll: a long poll asks every SQS server. It answers at once when messages are there,
   * and waits this long only when the counts told of messages a receive cannot find (counts lag).
   */
  static final int SAMPLE_WAIT_SECONDS = 1;
  /** SQS's approximate counts lag up to a minute. */
  public static final Duration AWS_COUNTS_LAG = Duration.ofSeconds(60);
  /** The most messages a browse reads; a queue holding more is never accounted for (a person decides). */
  public static final int BROWSE_MAX = 100;
  static final int BROWSE_RECEIVES = 25;
  static final int BROWSE_WAIT_SECONDS = 1;
  /** Long enough that one browse's receives return other messages, short enough to be over soon if a release fails. */
  static final int BROWSE_HIDE_SECONDS = 20;

  private final QueuePort port;
  private final Map<String, String> urls = new ConcurrentHashMap<>();
  /** Since when a counts-only queue has counted nothing, by queue URL. */
  private final Map<String, Instant> zeroSince = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration countsLag;

  /**
   * @param countsLag how long SQS's counts can lag; only an emulator that scales AWS's timings down (the tests'
   *     realism layer) sets another (migrator.aws-timing.counts-lag)
   */
  @Inject
  public QueueObserver(QueuePort port, Clock clock,
      @ConfigProperty(name = "migrator.aws-timing.counts-lag", defaultValue = "60s") Duration countsLag) {
    this.port = port;
    this.clock = clock;
    this.countsLag = countsLag;
  }

  public QueueObserver(QueuePort port, Clock clock) {
    this(port, clock, AWS_COUNTS_LAG);
  }

  /**
   * @param emptyAlreadyConfirmed whether the previous observation already confirmed the queue empty, so
   *     counts of zero need no new long poll
   */
  public Observed<QueueState> observe(AwsTarget target, String queueName, boolean emptyAlreadyConfirmed) {
    try {
      String key = target.region() + "|" + target.roleArn().orElse("") + "|" + queueName;
      Optional<String> url = Optional.ofNullable(urls.get(key));
      if (url.isEmpty()) {
        url = port.queueUrl(target, queueName);
        if (url.isEmpty()) {
          return Observed.seen(new QueueState.Missing(queueName));
        }
        urls.put(key, url.get());
      }
      QueuePort.Counts counts;
      try {
        counts = port.counts(target, url.get());
      } catch (QueuePort.QueueGoneException gone) {
        urls.remove(key);
        return port.queueUrl(target, queueName).isEmpty()
            ? Observed.seen(new QueueState.Missing(queueName))
            : observe(target, queueName, false);
      }
      long total = counts.visible() + counts.inFlight() + counts.delayed();
      if (counts.redrivePolicy().isPresent()) {
        return Observed.seen(countsOnly(url.get(), counts, total));
      }
      if (total > 0) {
        return Observed.seen(new QueueState.Present(url.get(), counts.visible(), counts.inFlight(), counts.delayed(),
            sample(target, url.get(), SAMPLE_WAIT_SECONDS), false));
      }
      if (emptyAlreadyConfirmed) {
        return Observed.seen(new QueueState.Present(url.get(), 0, 0, 0, List.of(), true));
      }
      List<RawMessage> confirm = sample(target, url.get(), CONFIRM_WAIT_SECONDS);
      return Observed.seen(new QueueState.Present(url.get(), 0, 0, 0, confirm, confirm.isEmpty()));
    } catch (AwsCallException e) {
      return Observed.failed(e.failure());
    }
  }

  private QueueState.Present countsOnly(String url, QueuePort.Counts counts, long total) {
    Instant now = clock.instant();
    if (total > 0) {
      zeroSince.remove(url);
    } else {
      zeroSince.putIfAbsent(url, now);
    }
    boolean zeroLongEnough = total == 0 && !zeroSince.get(url).plus(countsLag).isAfter(now);
    return QueueState.Present.countsOnly(url, counts.visible(), counts.inFlight(), counts.delayed(),
        counts.redrivePolicy().orElseThrow(), zeroLongEnough);
  }

  /**
   * The queue with its whole-queue read: as many distinct messages as the counts, read just before, tell of (at most
   * {@link #BROWSE_MAX}), each hidden for a few seconds while the browse runs and then released. A queue with a
   * RedrivePolicy is never browsed.
   */
  public Observed<QueueState> browse(AwsTarget target, QueueState.Present queue) {
    if (queue.countsOnly()) {
      return Observed.seen(queue);
    }
    try {
      QueuePort.Counts counts = port.counts(target, queue.url());
      long counted = counts.visible() + counts.inFlight() + counts.delayed();
      QueuePort.Browsed read = port.browse(target, queue.url(), BROWSE_MAX, BROWSE_RECEIVES, BROWSE_WAIT_SECONDS,
          BROWSE_HIDE_SECONDS);
      return Observed.seen(queue.withBrowse(new QueueState.Browse(clock.instant(), read.messages(), read.drained(),
          counted, counts.inFlight(), counts.delayed())));
    } catch (QueuePort.QueueGoneException gone) {
      return Observed.seen(queue.withBrowse(new QueueState.Browse(clock.instant(), List.of(), true, 0, 0, 0)));
    } catch (AwsCallException e) {
      return Observed.failed(e.failure());
    }
  }

  /**
   * Up to {@link #SAMPLE_MAX} distinct messages from a few receives; stops when a receive adds nothing. Never at the
   * number the counts tell of: they lag up to a minute, so a queue whose counts still say 2 may hold a third message,
   * the run's Failed, and a receive (also a long poll) may return fewer messages than the queue holds.
   */
  private List<RawMessage> sample(AwsTarget target, String url, int waitSeconds) {
    Map<String, RawMessage> seen = new LinkedHashMap<>();
    for (int i = 0; i < RECEIVES_MAX && seen.size() < SAMPLE_MAX; i++) {
      int before = seen.size();
      for (RawMessage message : port.peek(target, url, Math.min(10, SAMPLE_MAX - seen.size()), waitSeconds)) {
        seen.putIfAbsent(message.sqsMessageId(), message);
      }
      if (seen.size() == before) {
        break;
      }
    }
    return new ArrayList<>(seen.values()).subList(0, Math.min(SAMPLE_MAX, seen.size()));
  }
}
