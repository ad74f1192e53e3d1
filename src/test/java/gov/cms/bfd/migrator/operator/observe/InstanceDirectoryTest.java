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

  @Test
  void hundredEnvironmentsOfOneRegionShareOneCallPerCycle() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port);
    for (int cycle = 0; cycle < 3; cycle++) {
      Instant now = T0.plus(POLL.multipliedBy(cycle)).plusSeconds(1);
      for (int env = 0; env < 100; env++) {
        directory.instances(EAST, "ns/e" + env, Map.of("Name", "bfd-e" + env + "-migrator"), POLL, now.plusMillis(env));
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
    var directory = new InstanceDirectory(port);
    directory.instances(EAST, "ns/prod", Map.of("Name", "bfd-prod-migrator"), POLL, T0);

    var seen = directory.instances(EAST, "ns/test", Map.of("Name", "bfd-test-migrator"), POLL, T0.plusSeconds(1));

    assertThat(seen.seenValue().orElseThrow()).extracting(Instance::id).containsExactly("i-1");
  }

  @Test
  void regionsAreQueriedSeparately() {
    var port = new FakeEc2();
    var directory = new InstanceDirectory(port);
    directory.instances(EAST, "ns/a", Map.of("Name", "a"), POLL, T0);
    directory.instances(WEST, "ns/b", Map.of("Name", "b"), POLL, T0);

    assertThat(port.targets).containsExactly(EAST, WEST);
  }

  @Test
  void aFailureIsReportedToTheAskerAndNotCached() {
    var port = new FakeEc2();
    port.fail = true;
    var directory = new InstanceDirectory(port);

    assertThat(directory.instances(EAST, "ns/a", Map.of("Name", "a"), POLL, T0)).isInstanceOf(Observed.Failed.class);
    port.fail = false;
    assertThat(directory.instances(EAST, "ns/a", Map.of("Name", "a"), POLL, T0.plusSeconds(1)))
        .isInstanceOf(Observed.Seen.class);
  }

  @Test
  void environmentsWaitingForAFailingCallShareItsFailureInsteadOfEachTimingOutInTurn() throws Exception {
    var port = new FakeEc2();
    port.fail = true;
    port.slow = new java.util.concurrent.CountDownLatch(1);
    var directory = new InstanceDirectory(port);
    var threads = java.util.concurrent.Executors.newFixedThreadPool(5); // reconcile threads
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        directory.instances(EAST, "ns/a", Map.of("Name", "a"), POLL, T0), threads);
    port.calling.await();
    // Four more environments ask while the first call hangs (a slow EC2 answers only at the time-out).
    List<java.util.concurrent.CompletableFuture<Observed<List<Instance>>>> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "e" + i;
      waiting.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
          directory.instances(EAST, "ns/" + name, Map.of("Name", name), POLL, T0.plusSeconds(1)), threads));
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
    assertThat(directory.instances(EAST, "ns/a", Map.of("Name", "a"), POLL, T0.plusSeconds(2)))
        .isInstanceOf(Observed.Seen.class);
    assertThat(port.calls).isEqualTo(2);
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
    final java.util.concurrent.CountDownLatch calling = new java.util.concurrent.CountDownLatch(1);
    int calls;

    @Override
    public List<Instance> withTag(AwsTarget target, String key, Set<String> values) {
      calls++;
      calling.countDown();
      if (slow != null) {
        try {
          slow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (fail) {
        throw new AwsCallException(new AwsFailure("ec2", "DescribeInstances", AwsFailure.Kind.UNAVAILABLE, "503"), null);
      }
      queries.add(Map.entry(key, Set.copyOf(values)));
      targets.add(target);
      return instances.stream().filter(i -> values.contains(i.tags().get(key))).toList();
    }
  }
}
