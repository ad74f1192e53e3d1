package gov.cms.bfd.migrator.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.diagnose.Diagnosis;
import gov.cms.bfd.migrator.operator.diagnose.MessageParser;
import gov.cms.bfd.migrator.operator.diagnose.MigratorMessage;
import gov.cms.bfd.migrator.operator.diagnose.Verdict;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Settings;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The safety invariants of DESIGN §4 as properties of the planner (and of evidence and verification), over
 * generated observations, specs, approvals and histories. S5's suspend half, and S7's restart, are also shown
 * end to end in ActIT.
 */
class SafetyProperties {

  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();

  /** S1: no purge while an instance may run, unless stalled or orphaned and its service confirmed stopped. */
  @Property(tries = 10000, shrinking = ShrinkingMode.FULL)
  void s1NoPurgeWhileAMigratorMayRun(@ForAll("cases") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    // Not vacuous: every kind of action is actually allowed in a good share of the cases.
    Statistics.label("next step").collect(plan.next().map(s -> s.action().name()).orElse("none"));
    Statistics.label("next step").coverage(check -> {
      // About 250, 110 and 11 per 10,000 tries in the runs seen (a purge needs the whole-queue read and leftovers
      // older than leftoverAfter); the bounds leave room for the random seed.
      check.check("PurgeQueue").count(n -> n >= 200);
      check.check("StopService").count(n -> n >= 50);
      check.check("TerminateInstance").count(n -> n >= 5);
    });
    if (plan.next().filter(s -> s.action() == ActionType.PurgeQueue).isEmpty()) {
      return;
    }
    Verdict verdict = c.diagnosis(diagnoser).verdict();
    for (Instance instance : c.seen.instances().seenValue().orElseThrow()) {
      if (instance.state().mayRun()) {
        assertThat(verdict).isNotInstanceOf(Verdict.InProgress.class);
        assertThat(Planner.serviceStopped(c.seen, instance, c.history)).as("service on " + instance.id() + " confirmed stopped").isTrue();
      }
    }
  }

  /** S2: before any purge, every message with an exit status or a Failed stage is in the intent's evidence. */
  @Property(tries = 10000)
  void s2EvidenceOfEveryResultIsKeptBeforeAPurge(@ForAll("cases") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    if (plan.next().filter(s -> s.action() == ActionType.PurgeQueue).isEmpty()) {
      return;
    }
    Diagnosis diagnosis = c.diagnosis(diagnoser);
    List<String> evidence = Evidence.of(diagnosis);
    for (MigratorMessage message : diagnosis.messages()) {
      if (message instanceof MigratorMessage.Native n && (n.appStage() == MigratorMessage.AppStage.Failed
          || n.appStage() == MigratorMessage.AppStage.Finished)) {
        assertThat(evidence).anySatisfy(e -> assertThat(e).contains("pid " + n.pid() + " #" + n.messageId()));
      }
      if (message instanceof MigratorMessage.Monitor m && !m.running()) {
        assertThat(evidence).anySatisfy(e -> assertThat(e).contains("monitor pid " + m.pid()).contains("status " + m.status()));
      }
    }
  }

  /** S3: nothing on a partial or failed observation. */
  @Property(tries = 10000)
  void s3NothingOnAPartialObservation(@ForAll("cases") Case c) {
    if (c.seen.failures().isEmpty()) {
      return;
    }
    assertThat(c.plan(planner, diagnoser).next()).isEmpty();
  }

  /** S4: no stop of a migration that made progress within staleAfter and runs shorter than maxMigrationDuration. */
  @Property(tries = 10000)
  void s4NoStopOfAMigrationInProgress(@ForAll("cases") Case c) {
    if (c.diagnosis(diagnoser).verdict() instanceof Verdict.InProgress) {
      assertThat(c.plan(planner, diagnoser).steps()).isEmpty();
    }
  }

  /** S5: nothing in Observe mode; nothing in Approve mode without an approval of the current fingerprint. */
  @Property(tries = 10000)
  void s5ObserveDoesNothingAndApproveNeedsTheCurrentFingerprint(@ForAll("cases") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    if (c.settings.remediation().mode() == RemediationMode.Observe) {
      assertThat(plan.next()).isEmpty();
    }
    if (c.settings.remediation().mode() == RemediationMode.Approve && plan.next().isPresent()) {
      Optional<Approval> approval = c.effectiveApproval(planner, diagnoser);
      assertThat(approval).isPresent();
      assertThat(approval.get().fingerprint()).isEqualTo(plan.fingerprint());
      assertThat(plan.next().get().approvedBy()).contains(approval.get().approvedBy());
      assertThat(c.history).noneMatch(r -> r.fingerprint().equals(plan.fingerprint()) && r.approvedBy().isPresent());
    }
  }

  /** S6: at most one purge per queue per 60 seconds, and at most maxActionsPerHour actions. */
  @Property(tries = 10000)
  void s6PurgeSpacingAndHourlyCap(@ForAll("cases") Case c) {
    Optional<Step> next = c.plan(planner, diagnoser).next();
    if (next.isEmpty()) {
      return;
    }
    long lastHour = c.history.stream().filter(r -> r.time().isAfter(NOW.minus(Duration.ofHours(1)))).count();
    assertThat(lastHour).isLessThan(c.settings.remediation().maxActionsPerHour());
    if (next.get().action() == ActionType.PurgeQueue) {
      assertThat(c.history).noneMatch(r -> r.action() == ActionType.PurgeQueue && r.outcome() != ActionOutcome.Failed
          && r.target().equals(next.get().target()) && r.time().isAfter(NOW.minus(Planner.PURGE_SPACING)));
    }
  }

  /** S7: while an intent is unverified nothing else runs, so a restart never repeats it blindly. */
  @Property(tries = 10000)
  void s7NothingRunsWhileAnIntentIsUnverified(@ForAll("cases") Case c) {
    if (c.history.stream().anyMatch(ActionRecord::pending)) {
      assertThat(c.plan(planner, diagnoser).next()).isEmpty();
    }
  }

  /**
   * S9: no purge while the deploy pipeline may still read the queue: nothing in flight, and every message the queue
   * holds older than timing.leftoverAfter; unless the queue could not be read in full and a person approved.
   */
  @Property(tries = 10000)
  void s9NoPurgeOfMessagesThePipelineMayStillRead(@ForAll("cases") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    Optional<Step> purge = plan.next().filter(s -> s.action() == ActionType.PurgeQueue);
    Statistics.label("purge").collect(purge.isPresent() ? "purge" : "none");
    if (purge.isEmpty()) {
      return;
    }
    var queue = (QueueState.Present) c.seen.queue().seenValue().orElseThrow();
    assertThat(queue.inFlight()).as("messages in flight").isZero();
    if (Planner.unrecorded(c.seen).isPresent()) {
      assertThat(purge.get().approvedBy()).as("a purge of messages not all read waits for a person").isPresent();
      return;
    }
    Duration leftoverAfter = c.settings.timing().leftoverAfter();
    assertThat(c.truth).allSatisfy(m -> assertThat(m.sentAt().plus(leftoverAfter)).isBeforeOrEqualTo(NOW));
  }

  /**
   * S10: every message the queue holds when a purge is sent is in the intent's evidence (the whole-queue read), or the
   * purge waited for a person; and the fingerprint a person approves does not depend on which subset a poll returned.
   */
  @Property(tries = 10000)
  void s10EveryMessageAPurgeRemovesIsRecordedFirst(@ForAll("cases") Case c) {
    Plan plan = c.plan(planner, diagnoser);
    Optional<Step> purge = plan.next().filter(s -> s.action() == ActionType.PurgeQueue);
    if (purge.isPresent()) {
      if (Planner.unrecorded(c.seen).isPresent()) {
        assertThat(purge.get().approvedBy()).isPresent();
      } else {
        List<String> evidence = Evidence.of(c.diagnosis(diagnoser));
        assertThat(c.truth).allSatisfy(m -> assertThat(evidence).contains(Evidence.item(MessageParser.parse(m))));
      }
    }
    if (c.seen.queue().seenValue().orElse(null) instanceof QueueState.Present q && !q.countsOnly()) {
      // Another poll, another subset: the plan a person approves names the same fingerprint.
      var other = new QueueState.Present(q.url(), q.visible(), q.inFlight(), q.delayed(), c.truth, q.confirmedEmpty(),
          q.redrivePolicy(), q.browse());
      var seen = c.seen.withQueue(Observed.seen(other));
      var diagnosis = diagnoser.diagnose(seen, c.settings, NOW);
      Plan shown = planner.plan(c.diagnosis(diagnoser), c.seen, c.settings, Optional.empty(), c.history, NOW);
      Plan again = planner.plan(diagnosis, seen, c.settings, Optional.empty(), c.history, NOW);
      // Same run and same actions on the same targets: the same fingerprint, whichever messages were returned.
      if (diagnosis.verdict().equals(c.diagnosis(diagnoser).verdict()) && actions(shown).equals(actions(again))) {
        assertThat(again.fingerprint()).isEqualTo(shown.fingerprint());
      }
    }
  }

  private static List<String> actions(Plan plan) {
    return plan.steps().stream().map(s -> s.action() + "(" + s.target() + ")").toList();
  }

  /** A person approves what they were shown: approving does not change the fingerprint it names. */
  @Property(tries = 10000)
  void fingerprintDoesNotDependOnTheApproval(@ForAll("cases") Case c) {
    Plan a = c.plan(planner, diagnoser);
    Plan b = planner.plan(c.diagnosis(diagnoser), c.seen, c.settings, Optional.empty(), c.history, NOW);
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
  }

  // ---- generated cases ----------------------------------------------------------------------------------

  /** One generated situation: what was seen, the spec's remediation, a person's approval, the history. */
  record Case(Observation seen, List<RawMessage> truth, Settings settings, Optional<Approval> approval,
      List<ActionRecord> history, boolean approveCurrent) {

    Diagnosis diagnosis(Diagnoser diagnoser) {
      return diagnoser.diagnose(seen, settings, NOW);
    }

    /** The generated approval, or one of the plan a person would be shown (its fingerprint ignores approvals). */
    Optional<Approval> effectiveApproval(Planner planner, Diagnoser diagnoser) {
      if (!approveCurrent) {
        return approval;
      }
      String current = planner.plan(diagnosis(diagnoser), seen, settings, Optional.empty(), history, NOW).fingerprint();
      return Optional.of(new Approval(current, "alice"));
    }

    Plan plan(Planner planner, Diagnoser diagnoser) {
      return planner.plan(diagnosis(diagnoser), seen, settings, effectiveApproval(planner, diagnoser), history, NOW);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(observations(), settings(), approvals(), histories(), Arbitraries.of(true, false))
        .as((seen, settings, approval, history, current) -> new Case(seen.observation(), seen.truth(), settings,
            current ? Optional.empty() : approval, history, current));
  }

  /** An observation, and what the queue really held (visible messages; a short poll returned a subset of them). */
  record Generated(Observation observation, List<RawMessage> truth) {}

  /** What a whole-queue read before a purge did: none yet, read it all, or missed one and stopped early. */
  enum BrowseKind { NONE, COMPLETE, STOPPED_EARLY }

  private Arbitrary<Generated> observations() {
    Arbitrary<String> body = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.longs().between(1, 2), Arbitraries.longs().between(1, 9),
                Arbitraries.of("Started", "Connected", "Migrating", "Finished", "Failed"))
            .as((pid, id, stage) -> "{\"appStage\":\"" + stage + "\",\"messageId\":" + id + ",\"pid\":" + pid + "}"),
        Arbitraries.of("(null)|0/0", "exited|0", "exited|1", "exited|2", "exited|4", "killed|9/KILL")
            .map(e -> "{\"pid\":\"42\",\"code\":\"" + e.split("\\|")[0] + "\",\"status\":\"" + e.split("\\|")[1] + "\"}"),
        Arbitraries.strings().ofMaxLength(50));
    // Ages: mostly leftovers, some younger than leftoverAfter (5m), which the pipeline may still read.
    Arbitrary<Duration> age = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 299)),
        Tuple.of(8, Arbitraries.integers().between(301, 2400))).map(Duration::ofSeconds);
    Arbitrary<List<RawMessage>> truths = Combinators.combine(body.list().ofMaxSize(6), age.list().ofSize(6))
        .as((bodies, ages) -> {
          List<RawMessage> truth = new ArrayList<>();
          for (int i = 0; i < bodies.size(); i++) {
            truth.add(new RawMessage("m-" + i, bodies.get(i), NOW.minus(ages.get(i))));
          }
          return truth;
        });
    Arbitrary<Integer> lag = Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, -2), Tuple.of(1, -1), Tuple.of(1, 1),
        Tuple.of(1, 2));
    Arbitrary<Generated> present = Combinators.combine(truths, Arbitraries.integers().between(0, 63), lag,
            Arbitraries.frequency(Tuple.of(10, 0L), Tuple.of(1, 1L)), Arbitraries.frequency(Tuple.of(10, false), Tuple.of(1, true)),
            Arbitraries.frequency(Tuple.of(1, BrowseKind.NONE), Tuple.of(6, BrowseKind.COMPLETE),
                Tuple.of(1, BrowseKind.STOPPED_EARLY)))
        .as((truth, subset, countLag, inFlight, redrive, browse) -> {
          long visible = Math.max(0, truth.size() + countLag);
          if (redrive) {
            return new Generated(basic(QueueState.Present.countsOnly("https://sqs/q", visible, inFlight, 0,
                "{\"maxReceiveCount\":\"5\"}", visible + inFlight == 0)), truth);
          }
          // A short poll returns a changing subset: the bits of `subset` pick which.
          List<RawMessage> sample = new ArrayList<>();
          for (int i = 0; i < truth.size(); i++) {
            if ((subset & (1 << i)) != 0) {
              sample.add(truth.get(i));
            }
          }
          var queue = new QueueState.Present("https://sqs/q", visible, inFlight, 0, sample,
              sample.isEmpty() && visible + inFlight == 0);
          return new Generated(basic(switch (browse) {
            case NONE -> queue;
            case COMPLETE -> queue.withBrowse(new QueueState.Browse(NOW, truth, true, visible + inFlight, inFlight, 0));
            case STOPPED_EARLY -> queue.withBrowse(new QueueState.Browse(NOW,
                truth.subList(0, Math.max(0, truth.size() - 1)), false, visible + inFlight, inFlight, 0));
          }), truth);
        });
    Arbitrary<Generated> queue = Arbitraries.frequencyOf(
        Tuple.of(10, present),
        Tuple.of(1, Arbitraries.just(new Generated(basic(new QueueState.Missing("q")), List.of()))),
        Tuple.of(1, Arbitraries.just(new Generated(Observation.basic(NOW,
            Observed.failed(new AwsFailure("sqs", "GetQueueAttributes", AwsFailure.Kind.UNAVAILABLE, "x")),
            Observed.skipped()), List.of())))); // mostly readable, so plans are not vacuous
    Arbitrary<Instance> instance = Combinators.combine(Arbitraries.of("i-1", "i-2"), Arbitraries.of(Instance.State.class),
            Arbitraries.integers().between(0, 200))
        .as((id, state, minutes) -> new Instance(id, state, NOW.minus(Duration.ofMinutes(minutes)), Map.of("Name", "bfd-test-migrator")));
    Arbitrary<Observed<List<Instance>>> instances = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(Observed.<List<Instance>>seen(List.of()))),
        Tuple.of(6, instance.list().ofMaxSize(2).uniqueElements(Instance::id).map(Observed::seen)),
        Tuple.of(1, Arbitraries.just(Observed.failed(new AwsFailure("ec2", "DescribeInstances", AwsFailure.Kind.ACCESS_DENIED, "x")))));
    Arbitrary<Observed<SystemdState>> systemd = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(Observed.skipped())),
        Tuple.of(2, Combinators.combine(Arbitraries.of("i-1", "i-2"), Arbitraries.of("active", "inactive", "failed"),
                Arbitraries.of(true, false))
            .as((id, state, known) -> Observed.seen(known
                ? gov.cms.bfd.migrator.operator.observe.SystemdStates.shown(id, NOW, "LoadState=loaded",
                    "ActiveState=" + state, "ExecMainPID=4242", "ExecMainCode=1", "ExecMainStatus=2")
                : gov.cms.bfd.migrator.operator.observe.SystemdStates.silent(id, NOW)))),
        // Units that never started or are not loaded, and instances SSM does not manage: none of them is "stopped".
        Tuple.of(1, Combinators.combine(Arbitraries.of("i-1", "i-2"), Arbitraries.of(0, 1, 2)).as((id, kind) ->
            Observed.seen(switch (kind) {
              case 0 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.neverStarted(id, NOW);
              case 1 -> gov.cms.bfd.migrator.operator.observe.SystemdStates.notLoaded(id, NOW);
              default -> gov.cms.bfd.migrator.operator.observe.SystemdStates.unreachable(id, NOW);
            }))));
    return Combinators.combine(queue, instances, systemd)
        .as((q, i, s) -> new Generated(Observation.basic(NOW, q.observation().queue(), i).withSystemd(s), q.truth()));
  }

  private static Observation basic(QueueState queue) {
    return Observation.basic(NOW, Observed.seen(queue), Observed.skipped());
  }

  private Arbitrary<Settings> settings() {
    Arbitrary<RemediationMode> modes = Arbitraries.frequency(Tuple.of(3, RemediationMode.Auto),
        Tuple.of(1, RemediationMode.Observe), Tuple.of(2, RemediationMode.Approve));
    return Combinators.combine(modes, Arbitraries.of(true, false), Arbitraries.of(true, false),
            Arbitraries.of(true, false), Arbitraries.of(AfterFailure.class), Arbitraries.integers().between(0, 5))
        .as((mode, purge, stop, terminate, afterFailure, max) -> {
          Settings d = SettingsFixtures.defaults("test");
          return new Settings(d.environment(), d.region(), d.roleArn(), d.queueName(), d.instanceTags(), d.serviceUnit(),
              d.logGroup(), d.expectedSchemaVersion(), d.timing(),
              new Settings.Remediation(mode, purge, stop, terminate, afterFailure, max), false);
        });
  }

  private Arbitrary<Optional<Approval>> approvals() {
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(Optional.empty())),
        Tuple.of(2, Arbitraries.strings().withCharRange('0', '9').ofLength(16).map(f -> Optional.of(new Approval(f, "bob")))));
  }

  private Arbitrary<List<ActionRecord>> histories() {
    Arbitrary<ActionRecord> record = Combinators.combine(Arbitraries.integers().between(1, 7200),
            Arbitraries.of(ActionType.class), Arbitraries.of(ActionOutcome.class), Arbitraries.of("https://sqs/q", "i-1/bfd-db-migrator.service", "i-1"))
        .as((secondsAgo, action, outcome, target) -> new ActionRecord(NOW.minusSeconds(secondsAgo), action, target, outcome,
            Optional.empty(), "f", "generated", Optional.empty(), List.of()));
    Arbitrary<List<ActionRecord>> some = record.list().ofMaxSize(6).map(list -> list.stream()
        .sorted((a, b) -> b.time().compareTo(a.time())).toList());
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<ActionRecord>of())), Tuple.of(1, some));
  }
}
