package gov.cms.bfd.migrator.operator.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.ConditionStatus;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.report.StatusComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** For any observation the diagnosis is total, and never opens the deploy gate on a guess. */
class DiagnoserProperties {

  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  /** Far under etcd's 1.5 MiB object limit, whatever the queue and the log hold. */
  static final int STATUS_BOUND_BYTES = 64 * 1024;
  private static final Settings SETTINGS = SettingsFixtures.defaults("test");
  private final Diagnoser diagnoser = new Diagnoser();

  @Property(tries = 10000)
  void diagnosisIsTotalWithEveryConditionOnce(@ForAll("observations") Observation seen) {
    Diagnosis diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);

    assertThat(diagnosis.conditions()).extracting(c -> c.type()).containsExactlyInAnyOrderElementsOf(ConditionTypes.DOMAIN);
    assertThat(diagnosis.conditions()).allSatisfy(c -> assertThat(c.message()).isNotBlank());
    assertThat(diagnosis.runbook().nextSteps()).isNotEmpty();
    diagnoser.needs(seen, SETTINGS, NOW);
  }

  @Property(tries = 10000)
  void neverDeployableWithAMessageInTheQueueOrAnInstanceThere(@ForAll("observations") Observation seen) {
    var deployable = diagnoser.diagnose(seen, SETTINGS, NOW).condition(ConditionTypes.DEPLOYABLE);
    if (deployable.status() != ConditionStatus.True) {
      return;
    }
    QueueState queue = seen.queue().seenValue().orElseThrow(() -> new AssertionError("deployable with the queue unseen"));
    if (queue instanceof QueueState.Present present) {
      assertThat(present.holdsMessages()).isFalse();
    }
    List<Instance> instances = seen.instances().seenValue()
        .orElseThrow(() -> new AssertionError("deployable with the instances unseen"));
    assertThat(instances).allSatisfy(i -> assertThat(i.state()).isEqualTo(Instance.State.terminated));
  }

  @Property(tries = 10000)
  void aFailedPartIsUnknownNeverAGuess(@ForAll("observations") Observation seen) {
    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);
    if (seen.queue() instanceof Observed.Failed) {
      assertThat(diagnosis.condition(ConditionTypes.QUEUE_EMPTY).status()).isEqualTo(ConditionStatus.Unknown);
      assertThat(diagnosis.condition(ConditionTypes.MIGRATION_SUCCEEDED).status()).isEqualTo(ConditionStatus.Unknown);
    }
    if (seen.instances() instanceof Observed.Failed) {
      assertThat(diagnosis.condition(ConditionTypes.INSTANCE_ABSENT).status()).isEqualTo(ConditionStatus.Unknown);
    }
    if (!seen.failures().isEmpty()) {
      var ready = gov.cms.bfd.migrator.operator.report.Kstatus.conditions(seen, diagnosis, java.util.Optional.empty(),
          java.util.List.of(), java.util.List.of()).stream().filter(c -> c.type().equals(ConditionTypes.READY))
          .findFirst().orElseThrow();
      assertThat(ready.status()).isEqualTo(ConditionStatus.False);
    }
  }

  @Property(tries = 10000)
  void aNativeFailedBecomesTwoOrThreeOnlyWithEvidence(@ForAll("observations") Observation seen) {
    var reason = diagnoser.diagnose(seen, SETTINGS, NOW).condition(ConditionTypes.MIGRATION_SUCCEEDED).reason();
    boolean evidence = seen.log() instanceof Observed.Seen || seen.systemd() instanceof Observed.Seen
        || sampleHasMonitorExit(seen);
    if (reason.equals(Reasons.MIGRATION_FAILED) || reason.equals(Reasons.VALIDATION_FAILED)) {
      assertThat(evidence).as("exit 2/3 needs the log, systemd or a monitor message").isTrue();
    }
  }

  @Property(tries = 2000)
  void statusStaysFarUnderTheObjectLimit(@ForAll("observations") Observation seen) {
    var diagnosis = diagnoser.diagnose(seen, SETTINGS, NOW);
    var input = new Input("ns", "test", 1, Map.of(), new Input.Resolved.Valid(SETTINGS), Input.Prior.NONE, NOW);
    var status = new StatusComposer().compose(input, null, seen, diagnosis);

    int bytes = Serialization.asJson(status).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertThat(bytes).isLessThan(STATUS_BOUND_BYTES);
  }

  // ---- generators ---------------------------------------------------------------------------------------

  @Provide
  Arbitrary<Observation> observations() {
    return Combinators.combine(queues(), instances(), logs(), systemd())
        .as((queue, instances, log, systemd) -> Observation.basic(NOW, queue, instances).withLog(log).withSystemd(systemd));
  }

  private Arbitrary<Observed<QueueState>> queues() {
    Arbitrary<Observed<QueueState>> present = Combinators.combine(
            Arbitraries.longs().between(0, 40), Arbitraries.longs().between(0, 3),
            bodies().list().ofMaxSize(QueueObserverLimits.SAMPLE), Arbitraries.of(true, false))
        .as((visible, inFlight, bodies, confirmed) -> {
          List<RawMessage> sample = new java.util.ArrayList<>();
          for (int i = 0; i < bodies.size(); i++) {
            sample.add(new RawMessage("m-" + i, bodies.get(i), NOW.minus(Duration.ofMinutes(bodies.size() - i))));
          }
          boolean empty = visible + inFlight == 0 && sample.isEmpty();
          return Observed.seen(new QueueState.Present("https://sqs.us-east-1.amazonaws.com/123456789012/bfd-test-migrator",
              visible, inFlight, 0, sample, empty && confirmed));
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, present),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Observed.seen(new QueueState.Missing("bfd-test-migrator")))),
        net.jqwik.api.Tuple.of(1, failures("sqs", "GetQueueAttributes")));
  }

  private Arbitrary<String> bodies() {
    Arbitrary<String> nativeBodies = Combinators.combine(Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(1, 20),
            Arbitraries.of("Started", "Connected", "Migrating", "Finished", "Failed"))
        .as((pid, id, stage) -> "{\"appStage\":\"" + stage + "\",\"messageId\":" + id + ",\"pid\":" + pid + "}");
    Arbitrary<String> monitorBodies = Combinators.combine(Arbitraries.of("4242", "4343"),
            Arbitraries.of("(null)|0/0", "exited|0", "exited|1", "exited|2", "exited|3", "killed|9/KILL"))
        .as((pid, end) -> "{\"pid\":\"" + pid + "\",\"code\":\"" + end.split("\\|")[0] + "\",\"status\":\""
            + end.split("\\|")[1] + "\",\"schema_version\":\"10020\"}");
    Arbitrary<String> garbage = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withChars('x', '{', '"').ofMinLength(2000).ofMaxLength(200_000));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, nativeBodies), net.jqwik.api.Tuple.of(2, monitorBodies),
        net.jqwik.api.Tuple.of(1, garbage));
  }

  private Arbitrary<Observed<List<Instance>>> instances() {
    Arbitrary<Instance> instance = Combinators.combine(Arbitraries.strings().numeric().ofLength(8),
            Arbitraries.of(Instance.State.class), Arbitraries.integers().between(0, 300))
        .as((id, state, minutes) -> new Instance("i-" + id, state, NOW.minus(Duration.ofMinutes(minutes)),
            Map.of("Name", "bfd-test-migrator")));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, instance.list().ofMaxSize(3).map(Observed::seen)),
        net.jqwik.api.Tuple.of(1, failures("ec2", "DescribeInstances")));
  }

  private Arbitrary<Observed<LogExcerpt>> logs() {
    Arbitrary<String> line = Arbitraries.of("Successfully started", "Migration failed, shutting down",
        "Validation failed, shutting down", "app terminating due to unhandled exception: message=x",
        "app terminating due to exception: message=Invalid app configuration",
        "Migration and validation passed, shutting down", "{\"level\":\"ERROR\",\"message\":\"Flyway Exception when running migration:\"}",
        "x".repeat(5000));
    Arbitrary<Observed<LogExcerpt>> seen = line.list().ofMaxSize(60).map(lines -> Observed.seen(new LogExcerpt(
        "/bfd/test/bfd-db-migrator/migrator-log.json", "i-1",
        lines.stream().map(l -> new LogExcerpt.Line(NOW, l)).toList())));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(Observed.skipped())),
        net.jqwik.api.Tuple.of(3, seen), net.jqwik.api.Tuple.of(1, failures("logs", "GetLogEvents")));
  }

  private Arbitrary<Observed<SystemdState>> systemd() {
    Arbitrary<Observed<SystemdState>> known = Combinators.combine(Arbitraries.of("active", "inactive", "failed"),
            Arbitraries.integers().between(0, 4), Arbitraries.of("0", "1", "2"), Arbitraries.of("loaded", "not-found"),
            Arbitraries.of(0, 1, 2))
        .as((active, status, code, load, answer) -> Observed.seen(switch (answer) {
          case 0 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.shown("i-1", NOW, "LoadState=" + load,
              "ActiveState=" + active, "ExecMainPID=" + (code.equals("0") ? "0" : "4242"), "ExecMainCode=" + code,
              "ExecMainStatus=" + status);
          case 1 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.silent("i-1", NOW);
          default -> gov.cms.bfd.migrator.operator.observe.SystemdStates.unreachable("i-1", NOW);
        }));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(Observed.skipped())),
        net.jqwik.api.Tuple.of(2, known), net.jqwik.api.Tuple.of(1, failures("ssm", "GetCommandInvocation")));
  }

  private static <T> Arbitrary<Observed<T>> failures(String service, String operation) {
    return Arbitraries.of(AwsFailure.Kind.class)
        .map(kind -> Observed.failed(new AwsFailure(service, operation, kind, "injected")));
  }

  private static boolean sampleHasMonitorExit(Observation seen) {
    return Diagnoser.messages(seen).stream().anyMatch(m -> m instanceof MigratorMessage.Monitor monitor
        && monitor.exitStatus().isPresent());
  }

  /** The sample bound the queue observer enforces. */
  private static final class QueueObserverLimits {
    static final int SAMPLE = gov.cms.bfd.migrator.operator.observe.QueueObserver.SAMPLE_MAX;
  }
}
