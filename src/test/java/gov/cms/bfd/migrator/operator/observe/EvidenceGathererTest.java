package gov.cms.bfd.migrator.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the gatherer makes of SSM's and CloudWatch's answers a real account gives and moto does not: an instance SSM
 * does not manage, a log asked for by its instance's stream only, and the exit-1 checks saying whose permissions they
 * tested.
 */
class EvidenceGathererTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final AwsTarget TARGET = AwsTarget.of("us-east-1", Optional.empty(), "ns", "test");
  private static final String UNIT = "bfd-db-migrator.service";

  private final List<String> sent = new ArrayList<>();
  private final List<String> streams = new ArrayList<>();
  private final EvidenceGatherer gatherer = new EvidenceGatherer(new FakeLogs(), new UnmanagedInstance(), new FakeConfig());

  private static Observation basic() {
    return Observation.basic(NOW, Observed.seen(new QueueState.Missing("q")), Observed.seen(List.of()));
  }

  @Test
  void anInstanceSsmDoesNotManageIsAFindingNotAFailureToRetry() {
    var needs = new EvidenceNeeds(Optional.empty(), Optional.of("i-1"), false, false);

    var first = gatherer.gather(basic(), needs, TARGET, "test", "/g", UNIT, "e", NOW);
    var again = gatherer.gather(basic(), needs, TARGET, "test", "/g", UNIT, "e", NOW.plusSeconds(30));

    assertThat(first.failures()).as("not an AWS outage: nothing to retry").isEmpty();
    assertThat(first.systemd().seenValue().orElseThrow().unit()).isEqualTo(SystemdState.Unit.UNREACHABLE);
    assertThat(first.systemd().seenValue().orElseThrow().why()).contains("not reachable through SSM")
        .contains("InvalidInstanceId");
    assertThat(again.systemd()).isEqualTo(first.systemd());
    assertThat(sent).as("kept, not sent again on every poll").hasSize(1);
  }

  @Test
  void aLogIsAskedForByTheInstancesOwnStream() {
    var needs = new EvidenceNeeds(Optional.of("i-1"), Optional.empty(), false, false);

    var seen = gatherer.gather(basic(), needs, TARGET, "test", "/g", UNIT, "e", NOW);

    assertThat(streams).containsExactly("i-1");
    assertThat(seen.log().seenValue().orElseThrow().logStream()).isEqualTo("i-1");
  }

  @Test
  void theExit1ChecksSayTheyRanAsTheOperatorsRoleNotTheMigrators() {
    var needs = new EvidenceNeeds(Optional.empty(), Optional.empty(), true, false);

    var checks = gatherer.gather(basic(), needs, TARGET, "test", "/g", UNIT, "e", NOW).checks().seenValue().orElseThrow();

    assertThat(checks).allSatisfy(c -> assertThat(c.detail()).contains("operator's role").contains("migrator"));
    assertThat(checks.get(0).detail()).contains("arn:aws:sts::123456789012:assumed-role/bfd-migrator-operator/x")
        .contains("bfd-test-migrator");
  }

  private final class UnmanagedInstance implements CommandPort {
    @Override
    public String send(AwsTarget target, String instanceId, String shellCommand) {
      sent.add(shellCommand);
      throw new AwsCallException(new AwsFailure("ssm", "SendCommand", AwsFailure.Kind.NOT_MANAGED,
          "InvalidInstanceId: Instances [[" + instanceId + "]] not in a valid state"), null);
    }

    @Override
    public Optional<Invocation> invocation(AwsTarget target, String commandId, String instanceId) {
      throw new AssertionError("nothing was sent");
    }
  }

  private final class FakeLogs implements LogPort {
    @Override
    public Optional<LogExcerpt> tail(AwsTarget target, String group, String stream, int maxLines) {
      streams.add(stream);
      return Optional.of(new LogExcerpt(group, stream, List.of(new LogExcerpt.Line(NOW.minus(Duration.ofMinutes(1)), "x"))));
    }

    @Override
    public boolean groupExists(AwsTarget target, String group) {
      return true;
    }
  }

  private static final class FakeConfig implements ConfigPort {
    @Override
    public String callerArn(AwsTarget target) {
      return "arn:aws:sts::123456789012:assumed-role/bfd-migrator-operator/x";
    }

    @Override
    public int parameterCount(AwsTarget target, String path) {
      return path.contains("migrator") ? 0 : 3;
    }

    @Override
    public Optional<String> parameter(AwsTarget target, String name) {
      return Optional.of("alias/bfd-test-cmk");
    }

    @Override
    public String keyState(AwsTarget target, String alias) {
      return "Enabled";
    }
  }
}
