package gov.cms.bfd.migrator.operator.observe;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Migrator instances for every environment of one region and role, from one DescribeInstances per poll
 * cycle instead of one per environment. Each environment registers its tags when it asks; a call covers
 * every environment registered when it starts, and its answer serves every asker whose tags it covered and
 * who needs nothing newer than the moment the call started. At most one call per region is in flight:
 * environments that arrive during it wait for it and, if it does not cover them, the next call covers them
 * all at once (so a thousand new environments cost a handful of calls, not a thousand). A failed call is
 * shared with the environments that waited for it, so a slow EC2 costs one time-out per wave of askers,
 * not one per environment in turn. No lock is held while EC2 is asked.
 *
 * <p>An environment the shared query already covers, whose queue just received a message, needs an answer
 * newer than that message while the shared one is fresh enough for everyone else: it asks for its own tag
 * alone (one small call) instead of waiting for the call in flight and then a whole new one over every
 * instance of the region (paged, the slowest call the operator makes). At most {@link #OWN_CALLS} of those
 * run at once per region; beyond that, askers share the next call as before.
 */
@ApplicationScoped
public class InstanceDirectory {

  /** An environment that has not asked for this long is dropped from the shared query. */
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  /** Calls for one environment's own tags that may run at once per region and role. */
  static final int OWN_CALLS = 4;

  private final InstancePort port;
  private final Clock clock;
  private final Map<AwsTarget, Region> regions = new ConcurrentHashMap<>();

  public InstanceDirectory(InstancePort port, Clock clock) {
    this.port = port;
    this.clock = clock;
  }

  /** Forgets the regions and roles no live resource uses any more. */
  public void retainOnly(java.util.Collection<AwsTarget> live) {
    Set<AwsTarget> shared = live.stream().map(AwsTarget::shared).collect(Collectors.toSet());
    regions.keySet().removeIf(target -> !shared.contains(target));
  }

  /**
   * The instances carrying all of {@code tags}, from a call that covered these tags and started no earlier than
   * {@code notBefore}: a shared answer when there is one, else the call in flight, else a new call. {@code oldest}
   * (never after {@code notBefore}) is how old a shared answer may be for everyone else: when only {@code notBefore}
   * makes the shared answer too old, or the shared call in flight started too early, an environment the shared
   * query already covers asks for its own tag alone.
   */
  public Observed<List<Instance>> instances(AwsTarget target, String resource, Map<String, String> tags,
      Instant oldest, Instant notBefore, Instant now) {
    Region region = regions.computeIfAbsent(target, t -> new Region());
    Map.Entry<String, String> key = primary(tags);
    while (true) {
      Fetch awaited;
      boolean mine = false;
      synchronized (region) {
        region.register(resource, tags, now);
        if (region.latest != null && region.latest.serves(key, notBefore)) {
          // Served at once, even while a call for newcomers is in flight.
          return Observed.seen(InstancePort.matching(region.latest.result.join(), tags));
        }
        Fetch inFlight = region.inFlight;
        if (region.mayAskAlone(key, oldest, notBefore)) {
          region.ownCalls++;
          awaited = null;
        } else {
          if (inFlight == null) {
            inFlight = region.start(clock.instant());
            mine = true;
          }
          awaited = inFlight;
        }
      }
      if (awaited == null) {
        return alone(region, target, key, tags);
      }
      if (mine) {
        run(region, awaited, target);
      }
      List<Instance> answer;
      try {
        answer = awaited.result.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof AwsCallException failed) {
          // This environment waited for that call: a second one now would most likely fail the same way.
          return Observed.failed(failed.failure());
        }
        throw e;
      }
      if (awaited.serves(key, notBefore)) {
        return Observed.seen(InstancePort.matching(answer, tags));
      }
      // The call in flight started before this environment registered, or too early for it: the next one.
    }
  }

  /** One call for this environment's own tag value, outside the region's lock. */
  private Observed<List<Instance>> alone(Region region, AwsTarget target, Map.Entry<String, String> key,
      Map<String, String> tags) {
    try {
      return Observed.seen(InstancePort.matching(port.withTag(target, key.getKey(), Set.of(key.getValue())), tags));
    } catch (AwsCallException e) {
      return Observed.failed(e.failure());
    } finally {
      synchronized (region) {
        region.ownCalls--;
      }
    }
  }

  /**
   * Makes the call outside the region's lock, then publishes its outcome under the lock, also when it throws,
   * so a waiter that wakes finds the region ready for the next call.
   */
  private void run(Region region, Fetch fetch, AwsTarget target) {
    List<Instance> found = new ArrayList<>();
    Throwable failure = null;
    try {
      // One call per distinct tag key: one call in the usual case, where every environment uses Name.
      fetch.covered.forEach((tagKey, values) -> found.addAll(port.withTag(target, tagKey, values)));
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    synchronized (region) {
      region.inFlight = null;
      if (failure == null) {
        region.latest = fetch;
        fetch.result.complete(found.stream().distinct().toList());
      } else {
        fetch.result.completeExceptionally(failure);
      }
    }
    if (failure instanceof Error error) {
      throw error;
    }
  }

  /** The tag the server filters on: the first key in order; the others are matched here. */
  private static Map.Entry<String, String> primary(Map<String, String> tags) {
    return new TreeMap<>(tags).firstEntry();
  }

  /** What one region and role's environments asked for, the call in flight and the last answer. */
  private static final class Region {
    private final Map<String, Registration> registrations = new HashMap<>();
    private Fetch latest;
    private Fetch inFlight;
    private int ownCalls;

    /**
     * Whether an environment the shared query covers should ask alone: a shared call is in flight that started
     * too early for it, or the last shared answer is fresh enough for everyone but this environment; and fewer
     * than {@link #OWN_CALLS} such calls run. Otherwise (a newcomer, or a shared call due anyway) it shares.
     */
    boolean mayAskAlone(Map.Entry<String, String> key, Instant oldest, Instant notBefore) {
      boolean covered = (latest != null && latest.covers(key)) || (inFlight != null && inFlight.covers(key));
      boolean sharedIsLate = inFlight != null ? !inFlight.serves(key, notBefore)
          : latest != null && latest.serves(key, oldest);
      return covered && sharedIsLate && ownCalls < OWN_CALLS;
    }

    void register(String resource, Map<String, String> tags, Instant now) {
      registrations.put(resource, new Registration(Map.copyOf(tags), now));
      registrations.values().removeIf(r -> r.lastAsked().plus(FORGET_AFTER).isBefore(now));
    }

    Fetch start(Instant startedAt) {
      Map<String, Set<String>> byKey = registrations.values().stream()
          .map(r -> primary(r.tags()))
          .collect(Collectors.groupingBy(Map.Entry::getKey, TreeMap::new,
              Collectors.mapping(Map.Entry::getValue, Collectors.toCollection(TreeSet::new))));
      inFlight = new Fetch(startedAt, byKey, new CompletableFuture<>());
      return inFlight;
    }
  }

  /** One call: when it started, which tag values it asked for, and its answer once it has one. */
  private record Fetch(Instant startedAt, Map<String, Set<String>> covered, CompletableFuture<List<Instance>> result) {
    boolean serves(Map.Entry<String, String> key, Instant notBefore) {
      return !startedAt.isBefore(notBefore) && covers(key);
    }

    boolean covers(Map.Entry<String, String> key) {
      return covered.getOrDefault(key.getKey(), Set.of()).contains(key.getValue());
    }
  }

  private record Registration(Map<String, String> tags, Instant lastAsked) {}
}
