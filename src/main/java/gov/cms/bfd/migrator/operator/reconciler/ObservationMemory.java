package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.QueueObserver;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.report.Conditions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator itself concluded on its last look at a resource, kept in memory rather than read back from
 * the resource's status: whoever may patch that status could otherwise make the operator skip its confirming
 * receive. A restart forgets it, which costs one more confirming receive per environment.
 */
@ApplicationScoped
public class ObservationMemory {

  /** The last conclusion for one resource (by uid, so a re-created resource starts afresh). */
  record Recalled(long generation, boolean queueConfirmedEmpty, boolean migrationRunning) {}

  /**
   * How long a whole-queue read stands in for a new one while the queue shows no change: a purge awaiting approval on
   * a queue the sample reads only in part would otherwise read the whole queue on every poll, for hours, hiding its
   * messages from the deploy pipeline for the seconds each read takes.
   */
  static final Duration BROWSE_STANDS_FOR = Duration.ofMinutes(10);
  /**
   * The most message text a remembered read may hold (the migrator's messages are a few hundred bytes; SQS allows
   * 256 KiB each): a larger read is not kept, and the queue is read again on each poll as before.
   */
  static final int BROWSE_KEPT_MAX_CHARS = 64 * 1024;

  private final Map<String, Recalled> byUid = new ConcurrentHashMap<>();
  /** The last whole-queue read of a resource's queue (at most QueueObserver.BROWSE_MAX messages), by uid. */
  private final Map<String, Read> browses = new ConcurrentHashMap<>();

  private record Read(String url, QueueState.Browse browse) {}

  Recalled recall(String uid, long generation) {
    Recalled recalled = byUid.get(uid);
    if (recalled == null) {
      return new Recalled(generation, false, false);
    }
    // The queue's confirmation holds for the generation it was made under; a running migration regardless.
    return new Recalled(generation, recalled.queueConfirmedEmpty() && recalled.generation() == generation,
        recalled.migrationRunning());
  }

  void remember(String uid, long generation, MigratorDeploymentStatus status) {
    boolean confirmedEmpty = Conditions.find(status.conditions, ConditionTypes.QUEUE_EMPTY)
        .filter(c -> "True".equals(c.status) && Reasons.QUEUE_IS_EMPTY.equals(c.reason)).isPresent();
    boolean running = Conditions.find(status.conditions, ConditionTypes.INSTANCE_ABSENT)
        .filter(c -> Reasons.MIGRATION_IN_PROGRESS.equals(c.reason)).isPresent();
    byUid.put(uid, new Recalled(generation, confirmedEmpty, running));
  }

  /**
   * The whole-queue read this operator made of the resource's queue, when it still describes the queue as
   * {@code seen} now: the same queue, read less than {@link #BROWSE_STANDS_FOR} ago, as many messages counted, and
   * the sample finding messages, each among those it read. Never a read from the resource's status, which others
   * may patch.
   */
  Optional<QueueState.Browse> browse(String uid, Observation seen, Instant now) {
    Read read = browses.get(uid);
    Optional<QueueState.Present> queue = seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(QueueState.Present.class::cast);
    if (read == null || queue.isEmpty() || !queue.get().url().equals(read.url())) {
      return Optional.empty();
    }
    QueueState.Browse browse = read.browse();
    Set<String> readIds = new HashSet<>();
    browse.messages().forEach(m -> readIds.add(m.sqsMessageId()));
    // A sample that finds nothing while the counts still tell of messages may mean the pipeline has just taken
    // them (the counts lag): read again.
    boolean unchanged = queue.get().counted() == browse.counted() && !queue.get().sample().isEmpty()
        && queue.get().sample().stream().allMatch(m -> readIds.contains(m.sqsMessageId()));
    boolean recent = browse.at().plus(BROWSE_STANDS_FOR).isAfter(now) && !browse.at().isAfter(now);
    // A read that missed messages for a passing reason (some in flight, perhaps its own predecessor's as the lagging
    // counts still show them; delayed ones; fewer found than counted) would keep asking for approval: only a complete
    // read, or one stopped at BROWSE_MAX, stands for another.
    boolean lasting = browse.complete()
        || (browse.inFlight() == 0 && browse.delayed() == 0 && browse.messages().size() >= QueueObserver.BROWSE_MAX);
    if (!recent || !lasting) {
      browses.remove(uid, read);
    }
    return unchanged && recent && lasting ? Optional.of(browse) : Optional.empty();
  }

  /**
   * Keeps the whole-queue read of {@code browsed}, or forgets the last one when it holds none (a failed read) or more
   * than {@link #BROWSE_KEPT_MAX_CHARS} of message text.
   */
  void rememberBrowse(String uid, Observation browsed) {
    browsed.queue().seenValue().filter(QueueState.Present.class::isInstance).map(QueueState.Present.class::cast)
        .flatMap(q -> q.browse().map(b -> new Read(q.url(), b)))
        .filter(read -> read.browse().messages().stream().mapToLong(m -> m.body().length()).sum()
            <= BROWSE_KEPT_MAX_CHARS)
        .ifPresentOrElse(read -> browses.put(uid, read), () -> browses.remove(uid));
  }

  /** Forgets the resource's whole-queue read: nothing is left to purge. */
  void forgetBrowse(String uid) {
    browses.remove(uid);
  }

  /** Forgets the resources that are gone. */
  void retainOnly(Set<String> uids) {
    byUid.keySet().removeIf(uid -> !uids.contains(uid));
    browses.keySet().removeIf(uid -> !uids.contains(uid));
  }

  int size() {
    return byUid.size();
  }

  static String uid(String uid, String namespace, String name) {
    return Objects.requireNonNullElse(uid, namespace + "/" + name);
  }
}
