package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One DescribeInstances serves every environment of a region and role in a poll cycle. */
class InstanceDirectoryTest {

  private static final AwsTarget EAST = new AwsTarget("us-east-1", Optional.empty());
  private static final AwsTarget WEST = new AwsTarget("us-west-2", Optional.empty());
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Duration POLL = Duration.ofSeconds(30);

  private final SettableClock clock = new SettableClock(T0);

  @Test
  void hundredEnvironmentsOfOneRegionShareOneCallPerCycle() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    for (int cycle = 0; cycle < 3; cycle++) {
      Instant now = T0.plus(POLL.multipliedBy(cycle)).plusSeconds(1);
      for (int env = 0; env < 100; env++) {
        ask(directory, EAST, "ns/e" + env, Map.of("Name", "bfd-e" + env + "-migrator"), now.plusMillis(env));
      }
    }
    // The first cycle grows the query as environments register (one call per newcomer); after that, at most
    // one call per cycle however many environments ask.
    assertThat(port.queries.subList(0, 100)).hasSize(100);
    long callsInLaterCycles = port.queries.size() - 100;
    assertThat(callsInLaterCycles).isBetween(1L, 2L);
    assertThat(port.queries.get(port.queries.size() - 1).getValue()).hasSize(100);
  }

  @Test
  void eachEnvironmentSeesOnlyItsOwnInstances() {
    var port = new FakeEc2();
    port.instances.add(instance("i-1", Map.of("Name", "bfd-test-migrator")));
    port.instances.add(instance("i-2", Map.of("Name", "bfd-prod-migrator")));
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/prod", Map.of("Name", "bfd-prod-migrator"), T0);

    var seen = ask(directory, EAST, "ns/test", Map.of("Name", "bfd-test-migrator"), T0.plusSeconds(1));

    assertThat(seen.seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-1");
  }

  @Test
  void regionsAreQueriedSeparately() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    ask(directory, WEST, "ns/b", Map.of("Name", "b"), T0);

    assertThat(port.targets).containsExactly(EAST, WEST);
  }

  @Test
  void aFailureIsReportedToTheAskerAndNotCached() {
    var port = new FakeEc2();
    port.fail = true;
    var directory = new InstanceDirectory(port, clock);

    assertThat(ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0)).isInstanceOf(Observed.Failed.class);
    port.fail = false;
    assertThat(ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0.plusSeconds(1)))
        .isInstanceOf(Observed.Seen.class);
  }

  @Test
  void environmentsWaitingForAFailingCallShareItsFailureInsteadOfEachTimingOutInTurn() throws Exception {
    var port = new FakeEc2();
    port.fail = true;
    port.slow = new java.util.concurrent.CountDownLatch(1);
    var directory = new InstanceDirectory(port, clock);
    var threads = java.util.concurrent.Executors.newFixedThreadPool(5); // reconcile threads
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0), threads);
    port.calling.await();
    // Four more environments ask while the first call hangs (a slow EC2 answers only at the time-out).
    List<java.util.concurrent.CompletableFuture<Observed<List<Instance>>>> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "e" + i;
      waiting.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
          ask(directory, EAST, "ns/" + name, Map.of("Name", name), T0.plusSeconds(1)), threads));
    }
    Thread.sleep(200); // they are queued on the region
    port.slow.countDown();

    assertThat(first.get()).isInstanceOf(Observed.Failed.class);
    for (var future : waiting) {
      assertThat(future.get()).isInstanceOf(Observed.Failed.class);
    }
    threads.shutdown();
    assertThat(port.calls).as("DescribeInstances calls").isEqualTo(1);
    // One that asks after the failure makes its own call.
    port.fail = false;
    port.slow = null;
    assertThat(ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0.plusSeconds(2)))
        .isInstanceOf(Observed.Seen.class);
    assertThat(port.calls).isEqualTo(2);
  }

  @Test
  void environmentsArrivingDuringACallAreCoveredTogetherByTheNextOne() throws Exception {
    var port = new FakeEc2();
    port.slow = new java.util.concurrent.CountDownLatch(1);
    for (int env = 0; env < 50; env++) {
      port.instances.add(instance("i-" + env, Map.of("Name", "bfd-e" + env + "-migrator")));
    }
    var directory = new InstanceDirectory(port, clock);
    var threads = java.util.concurrent.Executors.newFixedThreadPool(50);
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        ask(directory, EAST, "ns/e0", Map.of("Name", "bfd-e0-migrator"), T0), threads);
    port.calling.await();
    // 49 environments are created while the first call hangs (a fleet being onboarded).
    List<java.util.concurrent.CompletableFuture<Observed<List<Instance>>>> newcomers = new ArrayList<>();
    for (int env = 1; env < 50; env++) {
      String name = "bfd-e" + env + "-migrator";
      String resource = "ns/e" + env;
      newcomers.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
          ask(directory, EAST, resource, Map.of("Name", name), T0.plusSeconds(1)), threads));
    }
    Thread.sleep(300); // they have registered and wait for the call in flight
    port.slow.countDown();

    assertThat(first.get().seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-0");
    for (int env = 1; env < 50; env++) {
      assertThat(newcomers.get(env - 1).get().seenValue().orElseThrow()).extracting(Instance::id)
          .containsExactly("i-" + env);
    }
    threads.shutdown();
    assertThat(port.calls).as("DescribeInstances calls for 50 newcomers").isEqualTo(2);
    assertThat(port.queries.get(1).getValue()).hasSize(50);
  }

  @Test
  void aFreshAnswerIsServedWhileACallForANewcomerHangs() throws Exception {
    var port = new FakeEc2();
    port.instances.add(instance("i-1", Map.of("Name", "a")));
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    port.slow = new java.util.concurrent.CountDownLatch(1);
    port.calling = new java.util.concurrent.CountDownLatch(1);
    var newcomer = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        ask(directory, EAST, "ns/b", Map.of("Name", "b"), T0.plusSeconds(1)));
    port.calling.await();

    // No lock is held while EC2 is asked: "a" is answered from the shared answer at once.
    var seen = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0.plusSeconds(2)));
    assertThat(seen.get(5, java.util.concurrent.TimeUnit.SECONDS).seenValue().orElseThrow())
        .extracting(Instance::id).containsExactly("i-1");
    port.slow.countDown();
    assertThat(newcomer.get().seenValue().orElseThrow()).isEmpty();
  }

  @Test
  void anAnswerOlderThanTheNewestMessageIsNotUsed() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/prod", Map.of("Name", "bfd-prod-migrator"), T0);
    // The migrator's instance starts at T0+5 s and sends its first message at T0+6 s.
    port.instances.add(instance("i-9", Map.of("Name", "bfd-prod-migrator")));
    Instant sent = T0.plusSeconds(6);
    Instant now = T0.plusSeconds(10);
    clock.set(now);

    var seen = directory.instances(EAST, "ns/prod", Map.of("Name", "bfd-prod-migrator"), now.minus(POLL), sent, now);

    assertThat(seen.seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-9");
    assertThat(port.calls).isEqualTo(2);
    // Without a newer message the 10 s old answer is shared, as before.
    clock.set(now.plusSeconds(1));
    directory.instances(EAST, "ns/prod", Map.of("Name", "bfd-prod-migrator"), now.minus(POLL), now.minus(POLL),
        now.plusSeconds(1));
    assertThat(port.calls).isEqualTo(2);
  }

  @Test
  void aNewMessageAsksForItsOwnTagWhenTheSharedAnswerIsFreshEnoughForEveryoneElse() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    ask(directory, EAST, "ns/b", Map.of("Name", "b"), T0.plusSeconds(1));
    int shared = port.calls;
    port.instances.add(instance("i-a", Map.of("Name", "a")));
    Instant sent = T0.plusSeconds(4);
    Instant now = T0.plusSeconds(5);
    clock.set(now);

    var seen = directory.instances(EAST, "ns/a", Map.of("Name", "a"), now.minus(POLL), sent, now);

    assertThat(seen.seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-a");
    assertThat(port.calls).isEqualTo(shared + 1);
    assertThat(port.queries.get(port.queries.size() - 1)).isEqualTo(Map.entry("Name", Set.of("a")));
    // b had no new message: the shared answer still serves it, with no call.
    directory.instances(EAST, "ns/b", Map.of("Name", "b"), now.minus(POLL), now.minus(POLL), now);
    assertThat(port.calls).isEqualTo(shared + 1);
  }

  @Test
  void aThrottledOwnCallIsReportedToItsAskerAndFreesItsPlace() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    ask(directory, EAST, "ns/b", Map.of("Name", "b"), T0.plusSeconds(1)); // a shared call would ask for a and b
    Instant now = T0.plusSeconds(5);
    clock.set(now);
    port.fail = true; // EC2 throttles or fails the call for a's own tag

    for (int i = 0; i <= InstanceDirectory.OWN_CALLS; i++) {
      var seen = directory.instances(EAST, "ns/a", Map.of("Name", "a"), now.minus(POLL), now.minusSeconds(1), now);
      assertThat(seen).isInstanceOf(Observed.Failed.class);
    }
    // Each failed call gave its place back: a's next message is still asked for alone, and answered.
    port.fail = false;
    port.instances.add(instance("i-a", Map.of("Name", "a")));
    var seen = directory.instances(EAST, "ns/a", Map.of("Name", "a"), now.minus(POLL), now.minusSeconds(1), now);
    assertThat(seen.seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-a");
    assertThat(port.queries.get(port.queries.size() - 1)).isEqualTo(Map.entry("Name", Set.of("a")));
  }

  @Test
  void aNewMessageDoesNotWaitForASharedCallThatStartedBeforeIt() throws Exception {
    var port = new FakeEc2();
    port.instances.add(instance("i-a", Map.of("Name", "a")));
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    ask(directory, EAST, "ns/b", Map.of("Name", "b"), T0.plusSeconds(1));
    // The shared answer is due (older than a poll interval): b starts a new shared call, which hangs.
    port.slowWhenAskedFor = 2;
    port.slow = new java.util.concurrent.CountDownLatch(1);
    port.calling = new java.util.concurrent.CountDownLatch(1);
    Instant later = T0.plus(POLL).plusSeconds(5);
    var due = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        ask(directory, EAST, "ns/b", Map.of("Name", "b"), later));
    port.calling.await();

    // a's queue got a message after that call started: a asks for its own tag and is answered while it hangs.
    Instant sent = later.plusSeconds(1);
    var seen = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        directory.instances(EAST, "ns/a", Map.of("Name", "a"), later.minus(POLL), sent, sent.plusSeconds(1)));
    assertThat(seen.get(5, java.util.concurrent.TimeUnit.SECONDS).seenValue().orElseThrow())
        .extracting(Instance::id).containsExactly("i-a");
    port.slow.countDown();
    assertThat(due.get(5, java.util.concurrent.TimeUnit.SECONDS).seenValue().orElseThrow()).isEmpty();
  }

  @Test
  void newcomersAndDueRefreshesStillShareOneCall() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    ask(directory, EAST, "ns/a", Map.of("Name", "a"), T0);
    // A newcomer with a message is not covered by the shared query yet: the next shared call covers it.
    Instant now = T0.plusSeconds(2);
    clock.set(now);
    directory.instances(EAST, "ns/b", Map.of("Name", "b"), now.minus(POLL), now.minusSeconds(1), now);
    assertThat(port.queries.get(port.queries.size() - 1).getValue()).containsExactlyInAnyOrder("a", "b");
    // A message in a when the shared answer is too old anyway: one shared call refreshes everyone.
    Instant due = now.plus(POLL).plusSeconds(1);
    clock.set(due);
    directory.instances(EAST, "ns/a", Map.of("Name", "a"), due.minus(POLL), due.minusSeconds(1), due);
    assertThat(port.queries.get(port.queries.size() - 1).getValue()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void atMostAFewEnvironmentsAskAloneAtOnceTheOthersShare() throws Exception {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port, clock);
    int environments = InstanceDirectory.OWN_CALLS + 3;
    for (int e = 0; e < environments; e++) {
      ask(directory, EAST, "ns/e" + e, Map.of("Name", "e" + e), T0);
    }
    ask(directory, EAST, "ns/e0", Map.of("Name", "e0"), T0.plusSeconds(1)); // one shared answer covering all
    int before = port.calls;
    port.slowWhenAskedFor = 1;
    port.slow = new java.util.concurrent.CountDownLatch(1);
    port.calling = new java.util.concurrent.CountDownLatch(InstanceDirectory.OWN_CALLS);
    Instant now = T0.plusSeconds(10);
    clock.set(now);
    var asks = new ArrayList<java.util.concurrent.CompletableFuture<Observed<List<Instance>>>>();
    for (int e = 0; e < InstanceDirectory.OWN_CALLS; e++) {
      String name = "e" + e;
      asks.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
          directory.instances(EAST, "ns/" + name, Map.of("Name", name), now.minus(POLL), now.minusSeconds(1), now)));
    }
    port.calling.await();
    // Every own call is taken: the next environment with a message shares a call over every environment.
    String last = "e" + InstanceDirectory.OWN_CALLS;
    directory.instances(EAST, "ns/" + last, Map.of("Name", last), now.minus(POLL), now.minusSeconds(1), now);
    assertThat(port.queries.get(port.queries.size() - 1).getValue()).hasSize(environments);
    port.slow.countDown();
    for (var ask : asks) {
      assertThat(ask.get(5, java.util.concurrent.TimeUnit.SECONDS).seenValue()).isPresent();
    }
    assertThat(port.calls).isEqualTo(before + InstanceDirectory.OWN_CALLS + 1);
  }

  /** Asks as a reconcile at {@code now} would, wanting an answer at most one poll interval old. */
  private Observed<List<Instance>> ask(InstanceDirectory directory, AwsTarget target, String resource,
      Map<String, String> tags, Instant now) {
    clock.set(now);
    return directory.instances(target, resource, tags, now.minus(POLL), now.minus(POLL), now);
  }

  private static Instance instance(String id, Map<String, String> tags) {
    return new Instance(id, Instance.State.running, T0, tags);
  }

  private static final class FakeEc2 implements InstancePort {
    final List<Map.Entry<String, Set<String>>> queries = new ArrayList<>();
    final List<AwsTarget> targets = new ArrayList<>();
    final List<Instance> instances = new ArrayList<>();
    volatile boolean fail;
    volatile java.util.concurrent.CountDownLatch slow;
    /** When set, only calls for this many tag values wait on {@code slow}. */
    volatile int slowWhenAskedFor;
    volatile java.util.concurrent.CountDownLatch calling = new java.util.concurrent.CountDownLatch(1);
    volatile int calls;

    @Override
    public List<Instance> withTag(AwsTarget target, String key, Set<String> values) {
      boolean waits = slow != null && (slowWhenAskedFor == 0 || values.size() == slowWhenAskedFor);
      synchronized (this) {
        calls++;
      }
      if (waits || slowWhenAskedFor == 0) {
        calling.countDown();
      }
      if (waits) {
        try {
          slow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (fail) {
        throw new AwsCallException(new AwsFailure("ec2", "DescribeInstances", AwsFailure.Kind.UNAVAILABLE, "503"), null);
      }
      synchronized (this) {
        queries.add(Map.entry(key, Set.copyOf(values)));
        targets.add(target);
      }
      return instances.stream().filter(i -> values.contains(i.tags().get(key))).toList();
    }
  }

  /** The directory's clock, moved by each ask to the asker's time (tests run faster than real time). */
  static final class SettableClock extends java.time.Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant to) {
      now = to;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
