package gov.cms.bfd.migrator.operator.observe;

import gov.cms.bfd.migrator.operator.model.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Looks at one environment in AWS: queue and instances always, more when a diagnosis asks. I/O only. */
@ApplicationScoped
public class Observer {

  private final QueueObserver queues;
  private final InstanceDirectory instances;
  private final EvidenceGatherer evidence;
  private final Clock clock;

  public Observer(QueueObserver queues, InstanceDirectory instances, EvidenceGatherer evidence, Clock clock) {
    this.queues = queues;
    this.instances = instances;
    this.evidence = evidence;
    this.clock = clock;
  }

  /**
   * The queue (one call when idle and already confirmed empty), then the instances: a shared call at most
   * once per {@code instancesMaxAge} for the region, and never one that started before the newest message
   * in the queue was sent. A migrator sends its first message from an instance that already runs, so an
   * answer older than that message could miss the instance and make a run just started look orphaned. When
   * only a new message makes the shared answer too old, this environment's instances are asked for alone.
   */
  public Observation observe(Settings settings, AwsTarget target, String resource, boolean queueConfirmedEmpty,
      Duration instancesMaxAge, Instant now) {
    Observed<QueueState> queue = queues.observe(target, settings.queueName(), queueConfirmedEmpty);
    Instant oldest = now.minus(instancesMaxAge);
    Instant notBefore = answerNotBefore(queue, oldest, clock.instant()); // never before oldest
    return Observation.basic(now, queue,
        instances.instances(target.shared(), resource, settings.instanceTags(), oldest, notBefore, now));
  }

  /**
   * The oldest start an instances answer may have: {@code oldest}, or the newest sent message when that is
   * later. Capped at {@code queueRead}, when the queue had been read: a call started after that covers every
   * message the read saw, even when AWS's clock runs ahead of ours.
   */
  static Instant answerNotBefore(Observed<QueueState> queue, Instant oldest, Instant queueRead) {
    Instant newestMessage = queue.seenValue().filter(QueueState.Present.class::isInstance)
        .flatMap(q -> ((QueueState.Present) q).sample().stream().map(RawMessage::sentAt).max(Instant::compareTo))
        .orElse(oldest);
    Instant wanted = newestMessage.isAfter(oldest) ? newestMessage : oldest;
    return wanted.isAfter(queueRead) ? queueRead : wanted;
  }

  /**
   * The observation with the whole queue read (before a purge); unchanged when the queue was not seen. A failed
   * read replaces the queue with its failure, so nothing is purged on it.
   */
  public Observation browse(Observation seen, AwsTarget target) {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(q -> seen.withQueue(queues.browse(target, (QueueState.Present) q))).orElse(seen);
  }

  /**
   * The observation with a whole-queue read made earlier, which the caller found still describes the queue seen now;
   * unchanged when the queue was not seen.
   */
  public Observation withBrowse(Observation seen, QueueState.Browse earlier) {
    return seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(q -> seen.withQueue(Observed.seen(((QueueState.Present) q).withBrowse(earlier)))).orElse(seen);
  }

  /** The observation with what {@code needs} asks for added. */
  public Observation gather(Observation seen, EvidenceNeeds needs, Settings settings, AwsTarget target, Instant now) {
    return evidence.gather(seen, needs, target, settings.environment(), settings.logGroup(),
        settings.serviceUnit(), fingerprint(seen), now);
  }

  /** Where the calls made for one MigratorDeployment go, under a session name that names it. */
  public static AwsTarget target(Settings settings, String namespace, String name) {
    return AwsTarget.of(settings.region(), settings.roleArn(), namespace, name);
  }

  private static String fingerprint(Observation seen) {
    Stream<String> messages = seen.queue().seenValue().filter(QueueState.Present.class::isInstance)
        .map(q -> ((QueueState.Present) q).sample().stream().map(RawMessage::sqsMessageId))
        .orElse(Stream.empty());
    Stream<String> machines = seen.instances().seenValue().orElse(List.of()).stream()
        .map(i -> i.id() + ":" + i.state());
    return Integer.toHexString(Stream.concat(messages.sorted(), machines.sorted()).collect(Collectors.joining(",")).hashCode());
  }
}
