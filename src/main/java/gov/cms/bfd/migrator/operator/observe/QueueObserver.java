package gov.cms.bfd.migrator.operator.observe;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the queue as DESIGN §3 says: approximate counts first (one call when idle, the URL cached); a
 * bounded sample read with visibility timeout 0 when there is something; and before the deploy gate opens
 * (a change to "empty") a long-polling receive to confirm, because counts lag and a short poll can miss.
 */
@ApplicationScoped
public class QueueObserver {

  /** The most messages kept as evidence; the status bound depends on it. */
  public static final int SAMPLE_MAX = 20;
  private static final int RECEIVES_MAX = 3;
  private static final int CONFIRM_WAIT_SECONDS = 1;

  private final QueuePort port;
  private final Map<String, String> urls = new ConcurrentHashMap<>();

  public QueueObserver(QueuePort port) {
    this.port = port;
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
      if (total > 0) {
        return Observed.seen(new QueueState.Present(url.get(), counts.visible(), counts.inFlight(), counts.delayed(),
            sample(target, url.get(), 0, counts.visible()), false));
      }
      if (emptyAlreadyConfirmed) {
        return Observed.seen(new QueueState.Present(url.get(), 0, 0, 0, List.of(), true));
      }
      List<RawMessage> confirm = sample(target, url.get(), CONFIRM_WAIT_SECONDS, 1);
      return Observed.seen(new QueueState.Present(url.get(), 0, 0, 0, confirm, confirm.isEmpty()));
    } catch (AwsCallException e) {
      return Observed.failed(e.failure());
    }
  }

  /**
   * Up to {@link #SAMPLE_MAX} distinct messages from a few receives; stops once it has as many as the
   * queue reports visible, or when a receive adds nothing.
   */
  private List<RawMessage> sample(AwsTarget target, String url, int waitSeconds, long expected) {
    Map<String, RawMessage> seen = new LinkedHashMap<>();
    for (int i = 0; i < RECEIVES_MAX && seen.size() < SAMPLE_MAX && seen.size() < Math.max(1, expected); i++) {
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
