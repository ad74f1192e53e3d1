package gov.cms.bfd.migrator.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.HistoryEntry;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.diagnose.Diagnoser;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Binding;
import gov.cms.bfd.migrator.operator.model.Input;
import gov.cms.bfd.migrator.operator.model.SettingsFixtures;
import gov.cms.bfd.migrator.operator.observe.Instance;
import gov.cms.bfd.migrator.operator.observe.InstancePort;
import gov.cms.bfd.migrator.operator.observe.Observation;
import gov.cms.bfd.migrator.operator.observe.Observed;
import gov.cms.bfd.migrator.operator.observe.QueueState;
import gov.cms.bfd.migrator.operator.observe.RawMessage;
import gov.cms.bfd.migrator.operator.observe.SystemdState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * S8 as properties: the operator acts only for a MigratorDeployment whose environment binds its namespace and
 * whose claim it holds, at most one per environment; every target it plans is one of that environment's own names;
 * what the MigratorDeployment's status says (forged, wiped, or lost with a deleted and re-created resource) changes
 * nothing it decides, because the ledger on the environment is what it reads.
 */
class AuthorityProperties {

  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final List<String> NAMESPACES = List.of("bfd", "acceptance", "team-b");
  private static final List<String> NAMES = List.of("prod", "attacker", "copy");
  private final Diagnoser diagnoser = new Diagnoser();
  private final Planner planner = new Planner();

  /** Who may act: the decision for one resource against one environment's state. */
  record Claim(String namespace, String name, Optional<Binding.Environment> environment, Set<String> validHolders) {
    Binding decide() {
      return Binding.decide(namespace, name, "prod", environment, validHolders::contains);
    }

    String me() {
      return namespace + "/" + name;
    }
  }

  @Property(tries = 10000)
  void s8OnlyAResourceOfABoundNamespaceThatHoldsTheClaimMayAct(@ForAll("claims") Claim c) {
    Binding binding = c.decide();
    Statistics.label("decision").collect(binding.getClass().getSimpleName());
    boolean mayAct = binding instanceof Binding.Holds || binding instanceof Binding.MayClaim;
    if (!mayAct) {
      return;
    }
    Binding.Environment env = c.environment().orElseThrow(() -> new AssertionError("acts without an environment"));
    assertThat(env.namespaces()).as("bound namespaces").contains(c.namespace());
    Optional<String> holder = env.claimedBy().filter(h -> !h.isBlank());
    if (binding instanceof Binding.Holds) {
      assertThat(holder).contains(c.me());
    } else {
      // A claim is taken only when free, or when its holder no longer manages the environment.
      assertThat(holder.isEmpty() || !c.validHolders().contains(holder.get())).isTrue();
    }
  }

  @Property(tries = 10000)
  void s8AtMostOneResourceActsOnAnEnvironment(@ForAll("claims") Claim first, @ForAll("claims") Claim second) {
    if (first.me().equals(second.me())) {
      return;
    }
    Binding a = first.decide();
    // One world: a resource that holds the claim exists and is bound, so whoever asks finds it valid.
    Set<String> valid = new java.util.HashSet<>(first.validHolders());
    if (a instanceof Binding.Holds) {
      valid.add(first.me());
    }
    Binding b = new Claim(second.namespace(), second.name(), first.environment(), valid).decide();
    assertThat(a instanceof Binding.Holds && b instanceof Binding.Holds).as("both hold the claim").isFalse();
    // A valid holder shuts every other resource out; a free claim goes to whoever writes it first (the write's
    // resourceVersion precondition turns the other away with a conflict).
    if (a instanceof Binding.Holds) {
      assertThat(b).isInstanceOfAny(Binding.ClaimedByOther.class, Binding.NotBound.class);
    }
  }

  /** A resource's targets as the operator plans them for the environment the platform declared. */
  record Targeting(MigratorEnvironmentSpec environment, Input.Resolved.Valid resolved, Observation seen,
      List<ActionRecord> ledger) {}

  @Property(tries = 10000)
  void s8EveryPlannedTargetIsOneOfTheEnvironmentsOwnNames(@ForAll("targeting") Targeting t) {
    var settings = t.resolved().settings();
    Plan plan = planner.plan(diagnoser.diagnose(t.seen(), settings, NOW), t.seen(), settings, Optional.empty(),
        t.ledger(), NOW);
    Statistics.label("steps").collect(plan.steps().size());
    Set<String> instances = t.seen().instances().seenValue().orElse(List.of()).stream()
        // what the operator's DescribeInstances finds: instances carrying every one of the environment's tags
        .filter(i -> InstancePort.matching(List.of(i), settings.instanceTags()).size() == 1)
        .map(Instance::id).collect(Collectors.toSet());
    String queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/" + settings.queueName();
    for (Step step : plan.steps()) {
      switch (step.action()) {
        case PurgeQueue -> assertThat(step.target()).isEqualTo(queueUrl);
        case TerminateInstance -> assertThat(instances).contains(step.target());
        case StopService -> {
          String[] parts = step.target().split("/", 2);
          assertThat(instances).contains(parts[0]);
          assertThat(parts[1]).isEqualTo(settings.serviceUnit());
        }
      }
    }
  }

  @Property(tries = 10000)
  void s8AForgedWipedOrLostResourceStatusChangesNothingTheOperatorDecides(@ForAll("targeting") Targeting t,
      @ForAll("statuses") Optional<MigratorDeploymentStatus> forged) {
    var md = resource(t);
    md.setStatus(null);
    var honest = Input.of(md, new Binding.Holds(), Optional.of(t.environment()), t.ledger(), false, false,
        Input.ApprovalGuard.ENFORCED, NOW);
    forged.ifPresent(md::setStatus);
    var withForgery = Input.of(md, new Binding.Holds(), Optional.of(t.environment()), t.ledger(), false, false,
        Input.ApprovalGuard.ENFORCED, NOW);

    assertThat(withForgery).isEqualTo(honest);
    assertThat(withForgery.prior().history()).isEqualTo(t.ledger());
    var settings = ((Input.Resolved.Valid) withForgery.settings()).settings();
    var diagnosis = diagnoser.diagnose(t.seen(), settings, NOW);
    assertThat(planner.plan(diagnosis, t.seen(), settings, Optional.empty(), withForgery.prior().history(), NOW))
        .isEqualTo(planner.plan(diagnosis, t.seen(), settings, Optional.empty(), honest.prior().history(), NOW));
  }

  // ---- generators -----------------------------------------------------------------------------------------

  @Provide
  Arbitrary<Claim> claims() {
    Arbitrary<String> holder = Arbitraries.of("", "bfd/prod", "acceptance/attacker", "team-b/copy", "gone/prod");
    Arbitrary<Optional<Binding.Environment>> environment = Arbitraries.oneOf(
        Arbitraries.just(Optional.empty()),
        Combinators.combine(Arbitraries.subsetOf(NAMESPACES).ofMinSize(1), holder)
            .as((namespaces, claimed) -> Optional.of(new Binding.Environment("prod", List.copyOf(namespaces),
                claimed.isEmpty() ? Optional.empty() : Optional.of(claimed)))));
    Arbitrary<Set<String>> valid = Arbitraries.subsetOf("bfd/prod", "acceptance/attacker", "team-b/copy", "gone/prod");
    return Combinators.combine(Arbitraries.of(NAMESPACES), Arbitraries.of(NAMES), environment, valid)
        .as(Claim::new);
  }

  @Provide
  Arbitrary<Targeting> targeting() {
    Arbitrary<Map<String, String>> tags = Arbitraries.oneOf(
        Arbitraries.just(Map.of("Name", "bfd-${environment}-migrator")),
        Arbitraries.just(Map.of("role", "migrator")),
        Arbitraries.just(Map.of("Name", "*")),
        Arbitraries.just(Map.of("Name", "bfd-prod-migrator", "stack", "prod")));
    Arbitrary<MigratorEnvironmentSpec> environments = Combinators.combine(tags,
            Arbitraries.of("bfd-${environment}-migrator", "bfd-prod-other"), Arbitraries.of(true, false),
            Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((t, queue, stop, terminate, afterFailure) -> {
          var spec = SettingsFixtures.defaultedEnvironment("prod");
          spec.instance.tags = t;
          spec.queue.name = queue;
          spec.allowedRemediation.stopService = stop;
          spec.allowedRemediation.terminateInstance = terminate;
          spec.allowedRemediation.afterFailureAuto = afterFailure;
          return spec;
        });
    Arbitrary<Instance> instance = Combinators.combine(Arbitraries.of("i-prod", "i-victim", "i-other"),
            Arbitraries.of(Instance.State.class), Arbitraries.integers().between(0, 200),
            Arbitraries.of(Map.of("Name", "bfd-prod-migrator"), Map.of("Name", "bfd-victim-migrator", "role", "migrator"),
                Map.of("Name", "*"), Map.of("Name", "bfd-prod-migrator", "stack", "prod", "role", "migrator")))
        .as((id, state, minutes, instanceTags) -> new Instance(id, state, NOW.minus(Duration.ofMinutes(minutes)),
            instanceTags));
    Arbitrary<List<String>> bodies = Arbitraries.of(
        "{\"appStage\":\"Finished\",\"messageId\":14,\"pid\":5046}",
        "{\"appStage\":\"Failed\",\"messageId\":9,\"pid\":5046}",
        "{\"pid\":\"4242\",\"code\":\"exited\",\"status\":\"2\"}", "not json").list().ofMaxSize(3);
    Arbitrary<List<Instance>> found = instance.list().ofMaxSize(3).uniqueElements(Instance::id);
    Arbitrary<String> active = Arbitraries.of("active", "inactive", "failed");
    Arbitrary<List<ActionRecord>> ledger = Combinators.combine(Arbitraries.integers().between(1, 7200),
            Arbitraries.of(ActionType.class), Arbitraries.of(ActionOutcome.class))
        .as((secondsAgo, action, outcome) -> new ActionRecord(NOW.minusSeconds(secondsAgo), action, "x", outcome,
            Optional.empty(), "f", "generated", Optional.empty(), List.of()))
        .list().ofMaxSize(4).map(list -> list.stream().sorted((a, b) -> b.time().compareTo(a.time())).toList());
    Arbitrary<RemediationMode> modes = Arbitraries.of(RemediationMode.class);
    return Combinators.combine(environments, found, bodies, active, ledger, modes, Arbitraries.of(AfterFailure.class))
        .as((environment, instances, sample, systemdState, records, mode, afterFailure) -> {
          var observation = observation(environment, instances, sample, systemdState);
          var md = SettingsFixtures.defaultedSpec("prod");
          md.remediation.mode = mode;
          md.remediation.stopService = true;
          md.remediation.terminateInstance = true;
          md.remediation.afterFailure = afterFailure;
          var settings = gov.cms.bfd.migrator.operator.model.Settings.from(md, "prod", environment);
          return new Targeting(environment, new Input.Resolved.Valid(settings), observation, records);
        });
  }

  /**
   * What the operator saw when it asked with the environment's names: the queue of that name, and the instances EC2
   * answered for its tags (filtered again by the exact tags, as the operator does).
   */
  private static Observation observation(MigratorEnvironmentSpec e, List<Instance> found, List<String> sample,
      String active) {
    String queueName = e.queue.name.replace("${environment}", "prod");
    List<RawMessage> messages = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      messages.add(new RawMessage("m-" + i, sample.get(i), NOW.minus(Duration.ofMinutes(30L - i))));
    }
    var queue = new QueueState.Present("https://sqs.us-east-1.amazonaws.com/123456789012/" + queueName,
        messages.size(), 0, 0, messages, messages.isEmpty());
    Map<String, String> expanded = new LinkedHashMap<>();
    e.instance.tags.forEach((k, v) -> expanded.put(k, v.replace("${environment}", "prod")));
    var matching = InstancePort.matching(found, expanded);
    var systemd = matching.isEmpty() ? Observed.<SystemdState>skipped()
        : Observed.seen(gov.cms.bfd.migrator.operator.observe.SystemdStates.shown(matching.get(0).id(), NOW,
            "LoadState=loaded", "ActiveState=" + active, "ExecMainPID=4242", "ExecMainCode=1", "ExecMainStatus=0"));
    return Observation.basic(NOW, Observed.seen(queue), Observed.seen(matching)).withSystemd(systemd);
  }

  @Provide
  Arbitrary<Optional<MigratorDeploymentStatus>> statuses() {
    Arbitrary<HistoryEntry> entry = Combinators.combine(Arbitraries.of(ActionType.class),
            Arbitraries.of(ActionOutcome.class), Arbitraries.integers().between(0, 7200),
            Arbitraries.of("i-prod/bfd-db-migrator.service", "i-prod", "https://sqs/q"))
        .as((action, outcome, secondsAgo, target) -> {
          HistoryEntry e = new HistoryEntry();
          e.time = NOW.minusSeconds(secondsAgo).toString();
          e.action = action;
          e.outcome = outcome;
          e.target = target;
          e.approvedBy = "mallory";
          e.planFingerprint = "forged";
          return e;
        });
    return Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
        entry.list().ofMaxSize(5).map(history -> {
          var status = new MigratorDeploymentStatus();
          status.history = history;
          return Optional.of(status);
        }));
  }

  private static MigratorDeployment resource(Targeting t) {
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName("prod").withNamespace("bfd").withGeneration(1L)
        .withUid("5d0c6b2e").build());
    var spec = SettingsFixtures.defaultedSpec("prod");
    var remediation = t.resolved().settings().remediation();
    spec.remediation.mode = remediation.cap("mode").map(c -> RemediationMode.valueOf(c.requested()))
        .orElse(remediation.mode());
    spec.remediation.stopService = true;
    spec.remediation.terminateInstance = true;
    spec.remediation.afterFailure = remediation.cap("afterFailure").map(c -> AfterFailure.Auto)
        .orElse(remediation.afterFailure());
    md.setSpec(spec);
    return md;
  }
}
