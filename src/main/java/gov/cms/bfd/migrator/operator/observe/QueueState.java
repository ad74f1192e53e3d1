package gov.cms.bfd.migrator.operator.observe;

import java.util.List;
import java.util.Objects;

/** The migrator's queue as observed without consuming anything. */
public sealed interface QueueState {

  /** GetQueueUrl answered QueueDoesNotExist: nothing can be waiting in it. */
  record Missing(String queueName) implements QueueState {
    public Missing {
      Objects.requireNonNull(queueName, "queueName");
    }
  }

  /**
   * The queue exists. {@code visible} and {@code inFlight} are SQS's approximate counts, which can lag up to
   * a minute; {@code sample} is what a receive with visibility timeout 0 returned (bounded);
   * {@code confirmedEmpty} is true only when a long-polling receive found nothing as well.
   */
  record Present(String url, long visible, long inFlight, long delayed, List<RawMessage> sample,
      boolean confirmedEmpty) implements QueueState {
    public Present {
      Objects.requireNonNull(url, "url");
      sample = List.copyOf(sample);
    }

    /** True when anything is or may be in the queue. */
    public boolean holdsMessages() {
      return visible + inFlight + delayed > 0 || !sample.isEmpty();
    }
  }
}
