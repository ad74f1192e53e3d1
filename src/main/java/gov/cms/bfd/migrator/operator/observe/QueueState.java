package gov.cms.bfd.migrator.operator.observe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
   * a minute; {@code sample} is what a receive with visibility timeout 0 returned (bounded, and in AWS a changing
   * subset); {@code confirmedEmpty} is true only when a long-polling receive found nothing as well, or, for a queue
   * read by counts only, when the counts stayed 0 longer than they can lag. {@code redrivePolicy}: the queue moves a
   * message received too often to a dead-letter queue, so the operator reads its counts only and receives nothing.
   * {@code browse}: the whole-queue read made before a purge, when there was one.
   */
  record Present(String url, long visible, long inFlight, long delayed, List<RawMessage> sample,
      boolean confirmedEmpty, Optional<String> redrivePolicy, Optional<Browse> browse) implements QueueState {
    public Present {
      Objects.requireNonNull(url, "url");
      sample = List.copyOf(sample);
      Objects.requireNonNull(redrivePolicy, "redrivePolicy");
      Objects.requireNonNull(browse, "browse");
    }

    public Present(String url, long visible, long inFlight, long delayed, List<RawMessage> sample,
        boolean confirmedEmpty) {
      this(url, visible, inFlight, delayed, sample, confirmedEmpty, Optional.empty(), Optional.empty());
    }

    /** The counts of a queue with a RedrivePolicy, which the operator never receives from. */
    public static Present countsOnly(String url, long visible, long inFlight, long delayed, String redrivePolicy,
        boolean zeroLongEnough) {
      return new Present(url, visible, inFlight, delayed, List.of(), zeroLongEnough, Optional.of(redrivePolicy),
          Optional.empty());
    }

    /** True when anything is or may be in the queue. */
    public boolean holdsMessages() {
      return counted() > 0 || !sample.isEmpty() || browse.filter(b -> !b.messages().isEmpty()).isPresent();
    }

    /** Visible, in-flight and delayed, as counted. */
    public long counted() {
      return visible + inFlight + delayed;
    }

    public boolean countsOnly() {
      return redrivePolicy.isPresent();
    }

    /** Every message read: the sample, and the browse's when there was one, each once. */
    public List<RawMessage> messages() {
      if (browse.isEmpty()) {
        return sample;
      }
      var byId = new java.util.LinkedHashMap<String, RawMessage>();
      browse.get().messages().forEach(m -> byId.putIfAbsent(m.sqsMessageId(), m));
      sample.forEach(m -> byId.putIfAbsent(m.sqsMessageId(), m));
      return List.copyOf(byId.values());
    }

    public Present withBrowse(Browse read) {
      return new Present(url, visible, inFlight, delayed, sample, confirmedEmpty, redrivePolicy, Optional.of(read));
    }
  }

  /**
   * The whole-queue read before a purge: what it received (released again at once), and whether that accounts for
   * every message the counts told of just before ({@code counted}); in-flight and delayed messages cannot be received,
   * so a queue holding any is never accounted for.
   */
  record Browse(Instant at, List<RawMessage> messages, boolean drained, long counted, long inFlight, long delayed) {
    public Browse {
      Objects.requireNonNull(at, "at");
      messages = List.copyOf(messages);
    }

    /** Every message accounted for: read until the queue ran dry, at least as many as counted, none hidden. */
    public boolean complete() {
      return drained && inFlight == 0 && delayed == 0 && messages.size() >= counted;
    }

    /** For people: what the browse found against what was counted. */
    public String describe() {
      return "read " + messages.size() + " distinct message(s) of " + counted + " counted"
          + (drained ? "" : ", and stopped before the queue ran dry")
          + (inFlight > 0 ? ", " + inFlight + " in flight with another reader" : "")
          + (delayed > 0 ? ", " + delayed + " delayed" : "");
    }
  }
}
