package gov.cms.bfd.migrator.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.ConfigCheck;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.LogExcerpt;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.plan.Planner;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The whole status stays under 64 KiB with every field at its worst (DESIGN §2): every string that comes from
 * outside (queue messages in both formats and unrecognized ones, the log, systemd's output, AWS's error texts,
 * tags and names, a person's annotation, the ledger) at its longest, made of what costs the most bytes in JSON
 * (3- and 4-byte characters, quotes, control characters), in every number the sources allow.
 */
class StatusSizeProperties {

  /** What the API server would still store comfortably, and what a person can still read with describe. */
  static final int BOUND_BYTES = 64 * 1024;
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final AtomicInteger LARGEST = new AtomicInteger();
  private static final AtomicInteger COMPOSED = new AtomicInteger();
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();
  private final StatusComposer composer = new StatusComposer();

  /** A worst string: long, made of one costly kind of character. */
  enum Filler {
    THREE_BYTE("€"), FOUR_BYTE("😀"), QUOTE("\""), CONTROL("\u0001"), NEWLINE("\n"), PLAIN("x");

    final String unit;

    Filler(String unit) {
      this.unit = unit;
    }

    String of(int length) {
      return unit.repeat(Math.max(1, length / unit.length()));
    }
  }

  /** Every property systemd is asked for, each 1,000 characters of the filler. */
  static Map<String, String> fillerProperties(Filler filler) {
    Map<String, String> properties = new LinkedHashMap<>();
    gov.cms.bfd.migrator.operator.model.SystemdCommands.PROPERTIES.forEach(p -> properties.put(p, filler.of(1000)));
    return properties;
  }

  // Every combination of filler, kind of run and mode: 72 tries.
  @Property(tries = 100)
  void theStatusStaysUnder64KiBWithEveryFieldAtItsWorst(@ForAll("worst") Worst worst) {
    Settings settings = worst.settings();
    Observation seen = worst.observation();
    var diagnosis = diagnoser.diagnose(seen, settings, NOW);
    var approval = Optional.of(new Approval(worst.filler().of(64 * 1024), worst.filler().of(64 * 1024)));
    var plan = planner.plan(diagnosis, seen, settings, approval, worst.ledger(), NOW);
    var input = new Input("n".repeat(63), "m".repeat(253), Long.MAX_VALUE, Map.of(), new Input.Resolved.Valid(settings),
        new Input.Prior(false, false, worst.ledger()), NOW);

    MigratorDeploymentStatus status = composer.compose(input, null, seen, diagnosis, Optional.of(plan), worst.ledger());
    MigratorDeploymentStatus again = composer.compose(input, status, seen, diagnosis, Optional.of(plan), worst.ledger());

    int bytes = Serialization.asJson(again).getBytes(StandardCharsets.UTF_8).length;

    LARGEST.accumulateAndGet(bytes, Math::max);
    COMPOSED.incrementAndGet();
    assertThat(bytes).as("status bytes with every field at its worst (%s)", worst.filler()).isLessThan(BOUND_BYTES);
  }

  @Property(tries = 100)
  void theLedgerStaysFarUnderEtcdsLimit(@ForAll("worst") Worst worst) {
    var ledger = EnvironmentStatuses.compose(null, Long.MAX_VALUE, Optional.of("n".repeat(63) + "/" + "m".repeat(253)),
        worst.ledger(), NOW);

    int bytes = Serialization.asJson(ledger).getBytes(StandardCharsets.UTF_8).length;
    // etcd takes 1.5 MiB per object; the ledger is read by every reconcile of the environment.
    assertThat(bytes).isLessThan(1024 * 1024);
  }

  @AfterContainer
  static void figures() {
    System.out.printf("status size: %d statuses composed with every field at its worst, the largest %,d bytes"
        + " (bound %,d)%n", COMPOSED.get(), LARGEST.get(), BOUND_BYTES);
  }

  /** One worst case: a filler, and which kind of run the queue shows. */
  record Worst(Filler filler, String kind, RemediationMode mode) {

    Settings settings() {
      var defaults = SettingsFixtures.defaults("e".repeat(63));
      Map<String, String> tags = new LinkedHashMap<>();
      for (int i = 0; i < 10; i++) {
        tags.put(i + filler.of(127), filler.of(256));
      }
      return new Settings(defaults.environment(), "us-gov-west-1",
          Optional.of("arn:aws:iam::123456789012:role/" + "r".repeat(512)), "q".repeat(80), tags,
          "u".repeat(240) + ".service", "/" + "g".repeat(511), Optional.of("9".repeat(64)), defaults.timing(),
          new Settings.Remediation(mode, true, true, true, gov.cms.bfd.migrator.operator.api.AfterFailure.Approve, 60),
          false);
    }

    Observation observation() {
      List<RawMessage> sample = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String id = filler.of(200) + i;
        String body = switch (kind) {
          case "native" -> "{\"appStage\":\"" + (i == 24 ? "Failed" : "Migrating") + "\",\"messageId\":" + (i + 1)
              + ",\"pid\":5046,\"migrationStage\":{\"stage\":" + json(filler.of(4000)) + ",\"version\":"
              + json(filler.of(4000)) + ",\"migrationFile\":" + json(filler.of(60000)) + "}}";
          case "monitor" -> "{\"pid\":" + json(filler.of(4000)) + ",\"start_time\":" + json(filler.of(4000))
              + ",\"stop_time\":" + json(filler.of(4000)) + ",\"code\":\"exited\",\"status\":" + json(filler.of(4000))
              + ",\"schema_version\":" + json(filler.of(4000)) + "}";
          default -> filler.of(16 * 1024);
        };
        sample.add(new RawMessage(id, body, NOW.minus(Duration.ofMinutes(60 - i))));
      }
      var queue = new QueueState.Present("https://sqs.us-gov-west-1.amazonaws.com/123456789012/" + "q".repeat(80),
          Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, sample, false);
      List<Instance> instances = IntStream.range(0, 60)
          .mapToObj(i -> new Instance("i-" + filler.of(60) + i, Instance.State.running, NOW.minusSeconds(i), Map.of()))
          .toList();
      // More lines than the excerpt keeps, each longer than a line may be.
      List<LogExcerpt.Line> lines = IntStream.range(0, 100).mapToObj(i -> new LogExcerpt.Line(NOW.minusSeconds(i),
          "{\"level\":\"ERROR\",\"message\":" + json("Migration failed, shutting down " + filler.of(2000))
              + ",\"exception\":" + json(filler.of(2000)) + "}")).toList();
      List<ConfigCheck> checks = IntStream.range(0, 30)
          .mapToObj(i -> new ConfigCheck(filler.of(1000), filler.of(2000), false, filler.of(64 * 1024))).toList();
      Observed<List<Instance>> found = kind.equals("awsFailure")
          ? Observed.failed(new AwsFailure("ec2", "DescribeInstances", AwsFailure.Kind.ACCESS_DENIED, filler.of(64 * 1024)))
          : Observed.seen(instances);
      return Observation.basic(NOW, Observed.seen(queue), found)
          .withLog(Observed.seen(new LogExcerpt("/" + "g".repeat(511), instances.get(0).id(), lines)))
          .withSystemd(Observed.seen(new SystemdState(instances.get(0).id(), filler.of(100), NOW, filler.of(1000), true,
              true, fillerProperties(filler), filler.of(64 * 1024))))
          .withChecks(Observed.seen(checks))
          .withSchemaVersion(Observed.seen(Optional.of(filler.of(10000))));
    }

    List<ActionRecord> ledger() {
      List<ActionRecord> records = new ArrayList<>();
      // More entries than the ledger keeps, more evidence than an entry keeps, every string longer than its bound.
      for (int i = 0; i < 150; i++) {
        List<String> evidence = IntStream.range(0, 25).mapToObj(j -> filler.of(1000)).toList();
        records.add(new ActionRecord(NOW.minusSeconds(i), ActionType.values()[i % 3], filler.of(5000),
            i % 4 == 0 ? ActionOutcome.Pending : ActionOutcome.Inconclusive, Optional.of(filler.of(5000)),
            filler.of(5000), filler.of(8 * 1024), Optional.of(filler.of(5000)), evidence));
      }
      return records;
    }
  }

  @Provide
  Arbitrary<Worst> worst() {
    return Combinators.combine(Arbitraries.of(Filler.class), Arbitraries.of("native", "monitor", "unrecognized", "awsFailure"),
        Arbitraries.of(RemediationMode.class)).as(Worst::new);
  }

  private static String json(String text) {
    return Serialization.asJson(text);
  }
}
