package gov.cms.bfd.migrator.operator.act;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.HoldingProxy;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S7 end to end: the packaged operator runs as its own process, is killed (SIGKILL) at the worst moments of
 * acting, and a new process takes over: while observing (before any intent), after recording the intent and
 * before the call, after the call and before the outcome, for a purge, a stop of the service and a
 * termination. A proxy in front of moto holds a call to pick the moment, and counts the calls that reached
 * AWS: never more than one.
 */
@ExtendWith(MotoReset.class)
class RestartProcessIT {

  private static final String NAMESPACE = "restart";
  private static final String PURGE = "AmazonSQS.PurgeQueue";
  private static final Duration WAIT = Duration.ofSeconds(120);

  private KubernetesClient client;
  private Scenario scenario;
  private MigratorSimulator sim;

  @BeforeEach
  void setUp(TestInfo test) {
    client = TestBed.get().client();
    scenario = new Scenario(client, NAMESPACE, "r", test.getDisplayName());
    sim = scenario.sim();
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
  }

  @AfterEach
  void tearDown() {
    scenario.close();
    client.close();
  }

  @Test
  void killedAfterRecordingTheIntentAndBeforeTheCallRepeatsNothing() throws Exception {
    try (var first = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE);
        var second = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE)) {
      first.hold(HoldingProxy.Hold.BEFORE_FORWARDING);
      var operator = OperatorProcess.start(TestBed.get(), first.endpoint(), "a");
      create();

      assertThat(first.awaitHolding(60)).as("the operator calls PurgeQueue").isTrue();
      assertThat(get().getStatus().history.get(0).outcome).as("intent recorded before the call").isEqualTo(ActionOutcome.Pending);
      operator.kill();
      first.close(); // the held call is dropped: it never reached AWS
      assertThat(first.forwarded()).isZero();
      assertThat(sim.peekBodies()).hasSize(1);

      try (var successor = OperatorProcess.start(TestBed.get(), second.endpoint(), "b")) {
        // Judged once AWS's purge window and the counts' patience are over (had the call been made, AWS could still
        // have been deleting); the same reconcile may then plan afresh, so the judged entry need not stay on top.
        var md = awaitStatus(m -> m.getStatus().history.stream().anyMatch(h -> h.outcome == ActionOutcome.Inconclusive));
        var judged = md.getStatus().history.stream().filter(h -> h.outcome == ActionOutcome.Inconclusive).findFirst()
            .orElseThrow();
        assertThat(judged.detail).contains("may never have been made");
        // Not executed again blindly: the 60-second rule counts the unverified attempt, and a purge of the successor's
        // own is a fresh plan's, made after it.
        assertThat(md.getStatus().history).filteredOn(h -> h != judged && h.action == ActionType.PurgeQueue)
            .allSatisfy(h -> assertThat(java.time.Instant.parse(h.time))
                .isAfterOrEqualTo(java.time.Instant.parse(judged.time).plusSeconds(60)));
        // Later a fresh plan, from a fresh observation, purges once; the first call never reached AWS.
        awaitStatus(m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
        assertThat(first.forwarded() + second.forwarded()).as("purges that reached AWS").isEqualTo(1);
      }
    }
  }

  @Test
  void killedAfterTheCallAndBeforeTheOutcomeRepeatsNothing() throws Exception {
    try (var first = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE);
        var second = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE)) {
      first.hold(HoldingProxy.Hold.AFTER_FORWARDING);
      var operator = OperatorProcess.start(TestBed.get(), first.endpoint(), "a");
      create();

      assertThat(first.awaitHolding(60)).as("the operator calls PurgeQueue").isTrue();
      operator.kill(); // AWS purged; the operator never heard back
      first.close();
      assertThat(first.forwarded()).isEqualTo(1);
      assertThat(get().getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Pending);

      try (var successor = OperatorProcess.start(TestBed.get(), second.endpoint(), "b")) {
        var md = awaitStatus(m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
        var entry = md.getStatus().history.get(0);
        assertThat(entry.outcome).isEqualTo(ActionOutcome.Succeeded);
        assertThat(md.getStatus().history).hasSize(1);
        // No answer was recorded, so AWS may have had the call until UNANSWERED_REACH after the intent: the window,
        // and so Deployable, counts from there.
        Instant windowEnd = Instant.parse(entry.detail.replaceFirst("(?s).*\\(to ([^)]+)\\).*", "$1"));
        assertThat(windowEnd).isAfterOrEqualTo(Instant.parse(entry.time).plus(OperatorProcess.UNANSWERED_REACH)
            .plus(OperatorProcess.PURGE_WINDOW).minusMillis(1));
        assertThat(second.forwarded()).as("purges by the successor").isZero();
      }
    }
  }

  @Test
  void killedWhileObservingBeforeAnyIntentRepeatsNothing() throws Exception {
    try (var aws = new FaultProxy(TestBed.get().moto().endpoint())) {
      aws.holdAnswerOf("ReceiveMessage"); // the first reconcile reads the queue's messages, long before acting
      var operator = OperatorProcess.start(TestBed.get(), aws.endpoint(), "a");
      create();

      assertThat(aws.awaitHeld(Duration.ofSeconds(60))).as("the operator reads the queue").isTrue();
      operator.kill();
      var md = get();
      assertThat(md.getStatus() == null || md.getStatus().history == null).as("nothing recorded yet").isTrue();

      try (var successor = OperatorProcess.start(TestBed.get(), aws.endpoint(), "b")) {
        md = awaitStatus(m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
        assertThat(md.getStatus().history).extracting(h -> h.action + ":" + h.outcome).containsExactly("PurgeQueue:Succeeded");
        assertThat(aws.destructive()).as("purges that reached AWS").hasSize(1);
      }
    }
  }

  @Test
  void killedAfterTheStopCommandWasSentSendsNoSecondOne() throws Exception {
    String instance = sim.launchInstance(); // still running after its Finished message: stop the service first
    try (var aws = new FaultProxy(TestBed.get().moto().endpoint())) {
      // Not the systemd read the diagnosis sends first: the stop.
      aws.holdAnswerOf("SendCommand", body -> body.contains("systemctl stop"));
      var operator = OperatorProcess.start(TestBed.get(), aws.endpoint(), "a");
      scenario.create(spec(r -> r.stopService = true));

      assertThat(aws.awaitHeld(Duration.ofSeconds(60))).as("the operator stops the service").isTrue();
      operator.kill(); // SSM has the command; its id never reached status
      assertThat(get().getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Pending);

      try (var successor = OperatorProcess.start(TestBed.get(), aws.endpoint(), "b")) {
        var md = awaitStatus(m -> m.getStatus().history.get(0).outcome != ActionOutcome.Pending);
        var stop = md.getStatus().history.get(0);
        assertThat(stop.action).isEqualTo(ActionType.StopService);
        assertThat(stop.outcome).isEqualTo(ActionOutcome.Inconclusive);
        assertThat(stop.detail).contains("whether the command was sent is unknown");
        // A few reconciles later: no second stop, and the purge still waits (the service is not proven stopped).
        Thread.sleep(5_000);
        md = get();
        assertThat(md.getStatus().history).hasSize(1);
        assertThat(md.getStatus().plannedActions).anySatisfy(a -> {
          assertThat(a.action).isEqualTo(ActionType.StopService);
          assertThat(a.blockedBy).contains("check the service by hand");
        });
        assertThat(stops(aws, instance)).as("stop commands that reached SSM").isEqualTo(1);
        assertThat(sim.peekBodies()).hasSize(1);
      }
    }
  }

  @Test
  void killedAfterTheTerminationWasSentRepeatsNothing() throws Exception {
    String instance = sim.launchInstance();
    // The run of that instance: a message belongs to an instance only if sent after it launched (setUp's is older).
    sim.send(nativeMessage(5047, 14, "Finished"));
    sim.stopInstance(instance);
    try (var aws = new FaultProxy(TestBed.get().moto().endpoint())) {
      aws.holdAnswerOf("TerminateInstances");
      var operator = OperatorProcess.start(TestBed.get(), aws.endpoint(), "a");
      scenario.create(spec(r -> r.terminateInstance = true));

      assertThat(aws.awaitHeld(Duration.ofSeconds(60))).as("the operator terminates the instance").isTrue();
      operator.kill(); // EC2 terminated it; the operator never heard
      assertThat(get().getStatus().history.get(0).action).isEqualTo(ActionType.TerminateInstance);
      assertThat(get().getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Pending);

      try (var successor = OperatorProcess.start(TestBed.get(), aws.endpoint(), "b")) {
        var md = awaitStatus(m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY)
            && m.getStatus().history.get(0).outcome != ActionOutcome.Pending);
        assertThat(md.getStatus().history).extracting(h -> h.action + ":" + h.outcome)
            .containsExactly("TerminateInstance:Succeeded", "PurgeQueue:Succeeded");
        assertThat(aws.destructive()).extracting(FaultProxy.Forwarded::operation)
            .containsExactly("PurgeQueue", "TerminateInstances");
      }
    }
  }

  private static long stops(FaultProxy aws, String instance) {
    return aws.destructive().stream().filter(f -> f.operation().equals("SendCommand") && f.body().contains(instance)
        && f.body().contains("systemctl stop")).count();
  }

  private MigratorDeploymentSpec spec(Consumer<RemediationSpec> remediation) {
    var spec = scenario.spec();
    spec.remediation = new RemediationSpec();
    remediation.accept(spec.remediation);
    return spec;
  }

  private void create() {
    scenario.create(scenario.spec());
  }

  private MigratorDeployment get() {
    return scenario.get();
  }

  private MigratorDeployment awaitStatus(Predicate<MigratorDeployment> done) {
    return scenario.awaitStatus(WAIT, m -> m.getStatus() != null && m.getStatus().history != null && done.test(m));
  }
}
