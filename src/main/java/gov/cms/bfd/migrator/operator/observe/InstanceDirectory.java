package gov.cms.bfd.migrator.operator.observe;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Migrator instances for every environment of one region and role, from one DescribeInstances per poll
 * cycle instead of one per environment. Each environment registers its tags when it asks; the query covers
 * every registered environment, and an answer younger than the asker's poll interval is shared. A failed
 * call is shared with the environments that waited for it, so a slow EC2 costs one time-out per wave of
 * askers, not one per environment in turn.
 */
@ApplicationScoped
public class InstanceDirectory {

  /** An environment that has not asked for this long is dropped from the shared query. */
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final InstancePort port;
  private final Map<AwsTarget, Region> regions = new ConcurrentHashMap<>();

  public InstanceDirectory(InstancePort port) {
    this.port = port;
  }

  /**
   * The instances carrying all of {@code tags}; a shared answer is used when it is younger than
   * {@code maxAge} and covered these tags, else one call refreshes it for everyone.
   */
  public Observed<List<Instance>> instances(AwsTarget target, String resource, Map<String, String> tags,
      Duration maxAge, Instant now) {
    Region region = regions.computeIfAbsent(target, t -> new Region());
    long asked = System.nanoTime();
    synchronized (region) {
      region.register(resource, tags, now);
      if (region.failure != null && region.failedAt - asked >= 0) {
        // The call that failed was made while this environment waited for it: no later answer could be had.
        return Observed.failed(region.failure);
      }
      Map.Entry<String, String> key = primary(tags);
      boolean fresh = region.answer != null && !region.fetchedAt.plus(maxAge).isBefore(now)
          && region.covered.getOrDefault(key.getKey(), Set.of()).contains(key.getValue());
      if (!fresh) {
        try {
          region.refresh(target, port, now);
          region.failure = null;
        } catch (AwsCallException e) {
          region.answer = null;
          region.failure = e.failure();
          region.failedAt = System.nanoTime();
          return Observed.failed(e.failure());
        }
      }
      return Observed.seen(InstancePort.matching(region.answer, tags));
    }
  }

  /** The tag the server filters on: the first key in order; the others are matched here. */
  private static Map.Entry<String, String> primary(Map<String, String> tags) {
    return new TreeMap<>(tags).firstEntry();
  }

  /** What one region and role's environments asked for, and the last answer. */
  private static final class Region {
    private final Map<String, Registration> registrations = new HashMap<>();
    private List<Instance> answer;
    private Instant fetchedAt;
    private Map<String, Set<String>> covered = Map.of();
    private AwsFailure failure;
    private long failedAt;

    void register(String resource, Map<String, String> tags, Instant now) {
      registrations.put(resource, new Registration(Map.copyOf(tags), now));
      registrations.values().removeIf(r -> r.lastAsked().plus(FORGET_AFTER).isBefore(now));
    }

    void refresh(AwsTarget target, InstancePort port, Instant now) {
      Map<String, Set<String>> byKey = registrations.values().stream()
          .map(r -> primary(r.tags()))
          .collect(Collectors.groupingBy(Map.Entry::getKey, TreeMap::new,
              Collectors.mapping(Map.Entry::getValue, Collectors.toCollection(java.util.TreeSet::new))));
      List<Instance> found = new java.util.ArrayList<>();
      // One call per distinct tag key: one call in the usual case, where every environment uses Name.
      byKey.forEach((key, values) -> found.addAll(port.withTag(target, key, values)));
      answer = found.stream().distinct().toList();
      fetchedAt = now;
      covered = byKey;
    }
  }

  private record Registration(Map<String, String> tags, Instant lastAsked) {}
}
