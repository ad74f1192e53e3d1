package gov.cms.bfd.migrator.operator.act;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMigrating;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.assertCondition;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.aws.AwsCallMetrics;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.reconciler.StatusWrites;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.RealismLayer;
import gov.cms.bfd.migrator.operator.testbed.ShiftableClock;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import gov.cms.bfd.migrator.operator.testbed.TestEnvironments;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator repairing what is safe to repair, against the real API server and moto, and nothing more. */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class ActIT {

  private static final String NAMESPACE = "act";
  private static final Duration WAIT = Duration.ofSeconds(40);
  /** The test bed's admin user (the client certificate's CN), as the admission policy would require. */
  private static final String ADMIN = "kubeapitest";

  @Inject
  KubernetesClient client;

  @Inject
  StatusWrites writes;

  @Inject
  ShiftableClock clock;

  @Inject
  AwsCallMetrics calls;

  private Scenario scenario;
  private MigratorSimulator sim;
  private String env;

  @BeforeEach
  void setUp(TestInfo test) {
    scenario = new Scenario(client, NAMESPACE, "a", test.getDisplayName());
    sim = scenario.sim();
    env = scenario.env();
  }

  @AfterEach
  void tearDown() {
    scenario.close();
    clock.reset();
  }

  @Test
  void autoPurgesALeftoverSuccessMessageUntilDeployable() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = passThePurgeWindow(apply(spec(r -> { })));
    md = awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));

    assertThat(sim.peekBodies()).isEmpty();
    var entry = md.getStatus().history.get(0);
    assertThat(entry.action).isEqualTo(ActionType.PurgeQueue);
    assertThat(entry.outcome).isEqualTo(ActionOutcome.Succeeded);
    assertThat(entry.approvedBy).isNull();
    assertThat(entry.evidence).anySatisfy(e -> assertThat(e).contains("pid 5046").contains("Finished"));
    assertThat(md.getStatus().lastRun.exitStatus).isZero(); // the evidence outlives the purge
    // S12: the verdict too; the ledger keeps the run the purge removed the messages of.
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "True", Reasons.SUCCEEDED);
    assertThat(md.getStatus().lastRun.pid).isEqualTo(5046L);
    assertThat(entry.run).as("the run is shown once, in status.lastRun").isNull();
    assertThat(TestEnvironments.get(client, env).getStatus().ledger.get(0).run.pid).isEqualTo(5046L);
    assertThat(events("PurgeQueue")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("pid 5046"));
    assertThat(events("PurgeQueueSucceeded")).hasSize(1);
  }

  @Test
  void failedRunWaitsForApprovalThenIsPurgedOnceApproved() {
    sim.createQueue();
    sim.send(monitorMessage("4242", "exited", "2", "10020"));

    var md = awaitStatus(apply(spec(r -> { })), m -> m.getStatus() != null && m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
    var planned = md.getStatus().plannedActions.get(0);
    assertThat(planned.action).isEqualTo(ActionType.PurgeQueue);
    assertThat(planned.blockedBy).contains("afterFailure");
    String fingerprint = md.getStatus().planFingerprint;
    assertThat(fingerprint).isNotBlank();
    assertThat(sim.peekBodies()).hasSize(1);

    approve(fingerprint, ADMIN);

    md = awaitStatus(passThePurgeWindow(md), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    var entry = md.getStatus().history.get(0);
    assertThat(entry.outcome).isEqualTo(ActionOutcome.Succeeded);
    assertThat(entry.approvedBy).isEqualTo(ADMIN);
    assertThat(entry.planFingerprint).isEqualTo(fingerprint);
    assertThat(entry.evidence).anySatisfy(e -> assertThat(e).contains("monitor pid 4242").contains("status 2"));
    assertThat(md.getStatus().lastRun.exitStatus).isEqualTo(2);
    assertThat(md.getStatus().failureMode).isNotNull();
  }

  @Test
  void aPurgeAwaitingApprovalOnAQueueReadInPartIsNotReadWholeOnEveryPollAndRunsOnAFreshRead() {
    // 25 messages: more than the sample keeps, so the verdict waits for the whole-queue read, which hides them from
    // the deploy pipeline while it runs. Awaiting approval must not repeat it on every poll for as long as nobody
    // approves; the purge itself still runs only on a read made just before it.
    sim.createQueue();
    for (int i = 1; i <= 24; i++) {
      sim.send(nativeMigrating(4242, i, "AfterFile", "1." + i, "V1_" + i + "__step.sql"));
    }
    sim.send(monitorMessage("4242", "exited", "2", "10020"));
    Instant sent = Instant.now();

    var md = awaitStatus(apply(spec(r -> { })), m -> m.getStatus() != null && m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.stream().anyMatch(a -> a.state == ActionState.AwaitingApproval));
    // Once the counts, which lag (3 s here), all tell of the 25, one more read is made on them; none after it.
    await().atMost(WAIT).until(() -> Instant.now().isAfter(sent.plusSeconds(4)));
    awaitReconciles(2);
    double reads = calls.count("sqs", "ChangeMessageVisibilityBatch");
    assertThat(reads).as("the whole-queue read releases what it received").isPositive();
    String fingerprint = get().getStatus().planFingerprint;

    awaitReconciles(4);
    md = get();
    assertThat(calls.count("sqs", "ChangeMessageVisibilityBatch")).as("no whole-queue read while the queue is unchanged")
        .isEqualTo(reads);
    assertThat(md.getStatus().planFingerprint).as("the plan a person approves stays put").isEqualTo(fingerprint);
    assertThat(md.getStatus().plannedActions.get(0).state).isEqualTo(ActionState.AwaitingApproval);

    approve(fingerprint, ADMIN);

    md = awaitStatus(md, m -> m.getStatus().history != null && !m.getStatus().history.isEmpty());
    assertThat(calls.count("sqs", "ChangeMessageVisibilityBatch")).as("the purge ran on a read made for it")
        .isGreaterThan(reads);
    var entry = md.getStatus().history.get(0);
    assertThat(entry.action).isEqualTo(ActionType.PurgeQueue);
    assertThat(entry.approvedBy).isEqualTo(ADMIN);
    assertThat(entry.planFingerprint).isEqualTo(fingerprint);
  }

  @Test
  void anApproverApprovesAsThemselvesAndIsRecorded() {
    // What a real install has: the admission policy and the approver role, bound to alice.
    TestBed.get().apply("deploy/approval-policy.yaml");
    TestBed.get().apply("deploy/approver-rbac.yaml");
    TestBed.get().bind(NAMESPACE, "migrator-approver", "alice");
    sim.createQueue();
    sim.send(nativeMessage(6001, 4, "Failed"));
    var md = awaitStatus(apply(spec(r -> { })), m -> m.getStatus() != null && m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.get(0).state == ActionState.AwaitingApproval);
    String fingerprint = md.getStatus().planFingerprint;

    try (var alice = TestBed.get().as("alice")) {
      await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> alice.resources(MigratorDeployment.class)
          .inNamespace(NAMESPACE).withName(env).edit(m -> {
            m.getMetadata().getAnnotations().put(Approval.APPROVE, fingerprint);
            m.getMetadata().getAnnotations().put(Approval.APPROVED_BY, "alice");
            return m;
          }));
    }

    md = awaitStatus(passThePurgeWindow(md), m -> m.getStatus().history.get(0).outcome == ActionOutcome.Succeeded);
    assertThat(md.getStatus().history.get(0).approvedBy).isEqualTo("alice");
    assertThat(md.getStatus().history.get(0).planFingerprint).isEqualTo(fingerprint);
    assertThat(events("PurgeQueue")).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("approved by alice")
        .contains("native pid 6001 #4 Failed"));
  }

  @Test
  void stopServiceMotoCannotConfirmIsInconclusiveAndThePurgeWaits() {
    sim.createQueue();
    sim.launchInstance();
    sim.send(nativeMessage(8101, 1, "Started"));
    clock.shift(Duration.ofMinutes(20)); // stalled: no progress for longer than staleAfter

    var md = awaitStatus(apply(spec(r -> r.stopService = true)), m -> m.getStatus() != null && m.getStatus().history != null
        && m.getStatus().history.stream().anyMatch(h -> h.action == ActionType.StopService && h.outcome == ActionOutcome.Inconclusive));

    awaitReconciles(4);
    md = get();
    assertThat(md.getStatus().history).as("one stop, not re-sent in a loop").singleElement();
    var stop = md.getStatus().history.get(0);
    assertThat(stop.outcome).isEqualTo(ActionOutcome.Inconclusive);
    assertThat(stop.reference).isNotBlank(); // the SSM command id
    assertThat(stop.detail).contains("no output"); // moto's Run Command prints nothing: no proof the service stopped
    assertThat(md.getStatus().plannedActions).anySatisfy(a -> {
      assertThat(a.action).isEqualTo(ActionType.StopService);
      assertThat(a.blockedBy).contains("check the service by hand");
    });
    assertThat(md.getStatus().plannedActions).anySatisfy(a -> {
      assertThat(a.action).isEqualTo(ActionType.PurgeQueue);
      assertThat(a.state).isEqualTo(ActionState.Blocked);
    });
    assertThat(sim.peekBodies()).hasSize(1);
  }

  @Test
  void aStoppedInstanceIsTerminatedOnlyWhenEnabledAndAfterThePurge() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.send(nativeMessage(5046, 14, "Finished"));
    sim.stopInstance(instance);

    var md = awaitStatus(passThePurgeWindow(apply(spec(r -> r.terminateInstance = true))), m -> m.getStatus().history != null
        && m.getStatus().history.stream().anyMatch(h -> h.action == ActionType.TerminateInstance && h.outcome == ActionOutcome.Succeeded));

    assertThat(md.getStatus().history).extracting(h -> h.action + ":" + h.outcome)
        .containsExactly("TerminateInstance:Succeeded", "PurgeQueue:Succeeded"); // newest first: purge, then terminate
    assertThat(md.getStatus().history.get(0).target).isEqualTo(instance);
    awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
  }

  /**
   * A stop that fails is Failed, and the purge waits: the stop script checks systemctl stop's exit status (no ';'),
   * so SSM reports it Failed with systemctl's words. moto answers Success to anything; the realism layer runs the
   * instance's systemd.
   */
  @Test
  void aStopThatFailsIsFailedAndThePurgeWaitsMotoSaysSuccess() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.send(nativeMessage(8101, 1, "Started"));
    sim.systemd(instance, java.util.Map.of("ActiveState", "active", "ExecMainCode", "0", "ExecMainStatus", "0",
        "stopFails", "true"));
    clock.shift(Duration.ofMinutes(20)); // stalled: no progress for longer than staleAfter

    var md = awaitStatus(apply(spec(r -> r.stopService = true)), m -> m.getStatus() != null && m.getStatus().history != null
        && m.getStatus().history.stream().anyMatch(h -> h.action == ActionType.StopService && h.outcome != ActionOutcome.Pending));

    var stop = md.getStatus().history.get(0);
    assertThat(stop.outcome).isEqualTo(ActionOutcome.Failed);
    assertThat(stop.detail).contains("systemctl stop failed").contains("Job for bfd-db-migrator.service failed");
    assertThat(sim.systemd(instance).orElseThrow().path("ActiveState").asText()).isEqualTo("active");
    md = awaitStatus(md, m -> m.getStatus().plannedActions != null && m.getStatus().plannedActions.stream()
        .anyMatch(a -> a.action == ActionType.StopService && a.blockedBy != null && a.blockedBy.contains("Failed")));
    assertThat(md.getStatus().plannedActions).anySatisfy(a -> {
      assertThat(a.action).isEqualTo(ActionType.PurgeQueue);
      assertThat(a.state).isEqualTo(ActionState.Blocked);
    });
    assertThat(sim.peekBodies()).hasSize(1);
  }

  /** The instance's systemd confirms a stop that worked: Succeeded, and the stop is the operator's. */
  @Test
  void aStopSystemdConfirmsIsSucceededMotoPrintsNothing() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.send(nativeMessage(8102, 1, "Started"));
    sim.systemd(instance, java.util.Map.of("ActiveState", "active", "ExecMainCode", "0", "ExecMainStatus", "0"));
    clock.shift(Duration.ofMinutes(20));

    var md = awaitStatus(apply(spec(r -> r.stopService = true)), m -> m.getStatus() != null && m.getStatus().history != null
        && m.getStatus().history.stream().anyMatch(h -> h.action == ActionType.StopService && h.outcome != ActionOutcome.Pending));

    awaitReconciles(3);
    md = get();
    // One stop: the answer systemd gave before it (kept for a while) does not undo it.
    assertThat(md.getStatus().history).filteredOn(h -> h.action == ActionType.StopService).singleElement()
        .satisfies(stop -> {
          assertThat(stop.outcome).isEqualTo(ActionOutcome.Succeeded);
          assertThat(stop.detail).contains("ActiveState=inactive");
        });
    assertThat(sim.systemd(instance).orElseThrow().path("ActiveState").asText()).isEqualTo("inactive");
  }

  /**
   * S11: an exit-1 instance (no message: systemd told it) holds the user-data and cloud-init files the next steps send
   * a person to; with terminateInstance on and afterFailure Approve it is terminated only with an approval.
   */
  @Test
  void anExit1InstanceIsTerminatedOnlyWithTheApprovalAPurgeWouldNeed() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.systemd(instance, java.util.Map.of("ActiveState", "failed", "ExecMainCode", "1", "ExecMainStatus", "1",
        "ExecMainPID", "5046"));
    clock.shift(Duration.ofMinutes(20)); // the instance lingers after its run; systemd is asked about it

    var md = awaitStatus(apply(spec(r -> r.terminateInstance = true)), m -> m.getStatus() != null
        && m.getStatus().plannedActions != null && m.getStatus().plannedActions.stream()
            .anyMatch(a -> a.action == ActionType.TerminateInstance && a.state == ActionState.AwaitingApproval));
    assertThat(md.getStatus().plannedActions.get(0).blockedBy).contains("destroys the evidence of a failed run");
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.INVALID_APP_CONFIGURATION);
    awaitReconciles(3);
    assertThat(get().getStatus().history).as("not terminated by itself").isNull();

    approve(get().getStatus().planFingerprint, ADMIN);

    md = awaitStatus(md, m -> m.getStatus().history != null && m.getStatus().history.stream()
        .anyMatch(h -> h.action == ActionType.TerminateInstance && h.outcome == ActionOutcome.Succeeded));
    var entry = md.getStatus().history.get(0);
    assertThat(entry.approvedBy).isEqualTo(ADMIN);
    assertThat(entry.target).isEqualTo(instance);
    // S12: the run whose evidence the termination destroyed is still the last run, and still a configuration fault.
    md = awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.INVALID_APP_CONFIGURATION);
    assertThat(md.getStatus().failureMode).isEqualTo(gov.cms.bfd.migrator.operator.api.FailureMode.InvalidAppConfiguration);
  }

  @Test
  void staleApprovalDoesNothingAndIsReported() {
    sim.createQueue();
    sim.send(monitorMessage("4242", "exited", "3", null));
    var md = awaitStatus(apply(spec(r -> { })), m -> m.getStatus() != null && m.getStatus().planFingerprint != null);

    approve("0000000000000000", ADMIN);

    await().atMost(WAIT).until(() -> !events("StaleApproval").isEmpty());
    md = awaitStatus(md, m -> m.getStatus().plannedActions.get(0).blockedBy.contains("does nothing"));
    assertThat(md.getStatus().plannedActions.get(0).state).isEqualTo(ActionState.AwaitingApproval);
    assertThat(sim.peekBodies()).hasSize(1);
    assertThat(md.getStatus().history).isNull();
  }

  @Test
  void observeModeLeavesEverythingInPlace() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = awaitStatus(apply(spec(r -> r.mode = RemediationMode.Observe)), m -> m.getStatus() != null
        && m.getStatus().plannedActions != null);
    awaitReconciles(5);

    assertThat(get().getStatus().plannedActions).singleElement().satisfies(a -> {
      assertThat(a.action).isEqualTo(ActionType.PurgeQueue);
      assertThat(a.state).isEqualTo(ActionState.ObserveOnly);
    });
    assertThat(sim.peekBodies()).hasSize(1);
    assertThat(get().getStatus().history).isNull();
  }

  @Test
  void approveModeActsOnlyOnApprovalEvenForASuccess() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = awaitStatus(apply(spec(r -> r.mode = RemediationMode.Approve)), m -> m.getStatus() != null
        && m.getStatus().plannedActions != null && m.getStatus().plannedActions.get(0).state == ActionState.AwaitingApproval);
    awaitReconciles(3);
    assertThat(sim.peekBodies()).hasSize(1);

    approve(md.getStatus().planFingerprint, ADMIN);

    awaitStatus(passThePurgeWindow(md), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    assertThat(get().getStatus().history.get(0).approvedBy).isEqualTo(ADMIN);
  }

  @Test
  void suspendStopsObservingAndActing() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
    var spec = spec(r -> { });
    spec.suspend = true;

    var md = awaitStatus(apply(spec), m -> has(m, ConditionTypes.READY, "False", Reasons.SUSPENDED));

    assertCondition(md, ConditionTypes.DEPLOYABLE, "Unknown", Reasons.SUSPENDED);
    // Over several poll intervals (2s) the message stays: nothing is observed or done while suspended.
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> sim.peekBodies().size() == 1);
    assertThat(md.getStatus().history).isNull();
  }

  @Test
  void hourlyCapIsACircuitBreakerThatSaysSo() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = awaitStatus(apply(spec(r -> r.maxActionsPerHour = 0)), m -> m.getStatus() != null
        && m.getStatus().plannedActions != null && m.getStatus().plannedActions.get(0).state == ActionState.Blocked);

    assertThat(md.getStatus().plannedActions.get(0).blockedBy).contains("circuit breaker").contains("maxActionsPerHour is 0");
    assertThat(sim.peekBodies()).hasSize(1);
  }

  @Test
  void aMessageSentInsideThePurgeWindowIsRecordedAndNothingElseRunsUntilTheWindowIsOver() {
    // AWS may delete such a message at any moment of the window, also before anyone received it: nothing records
    // what nobody saw. Here the purge deletes nothing before 15 s, so the operator's looks meet the message; the
    // window itself stays 5 s, as the operator is told.
    RealismLayer realism = TestBed.get().moto().realism();
    realism.settings(Map.of("purgeDeletesFromSeconds", 15));
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
    long journal = realism.journal(0).stream().mapToLong(RealismLayer.Entry::seq).max().orElse(0);
    apply(spec(r -> { }));
    // Sent as soon as AWS has the purge (the layer's journal says so before the status can): inside its window.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> realism.journal(journal).stream()
        .anyMatch(e -> e.op().equals("PurgeQueue") && e.raw().path("queue").asText().equals(sim.queueName())));
    sim.send(nativeMessage(5047, 14, "Finished")); // another run's leftover, right after the purge
    assertThat(realism.messages(sim.queueName())).filteredOn(m -> m.body().contains("5047"))
        .as("the purge may delete it: the layer has doomed it").singleElement()
        .satisfies(m -> assertThat(m.doomedAt()).isPresent());
    var md = scenario.awaitPurgePending(WAIT);

    // In AWS the purge may delete it: it goes into the purge's evidence as possibly deleted, and nothing else runs.
    md = awaitStatus(md, m -> m.getStatus().history.get(0).evidence != null && m.getStatus().history.get(0).evidence
        .stream().anyMatch(e -> e.contains("possibly deleted") && e.contains("pid 5047")));
    assertThat(md.getStatus().history).hasSize(1); // no second purge: AWS allows one per 60 seconds anyway
    assertThat(md.getStatus().plannedActions).allSatisfy(a -> assertThat(a.state).isEqualTo(ActionState.Blocked));
    assertThat(has(md, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES)
        || has(md, ConditionTypes.DEPLOYABLE, "False", Reasons.PURGE_IN_PROGRESS)).as("never deployable meanwhile").isTrue();
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** The purge in progress, then the operator's clock past AWS's 60-second window (without waiting a minute). */
  private MigratorDeployment passThePurgeWindow(MigratorDeployment md) {
    md = scenario.awaitPurgePending(WAIT);
    clock.shift(Duration.ofSeconds(61));
    return md;
  }

  private void approve(String fingerprint, String user) {
    client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(env).edit(m -> {
      m.getMetadata().getAnnotations().put(Approval.APPROVE, fingerprint);
      m.getMetadata().getAnnotations().put(Approval.APPROVED_BY, user);
      return m;
    });
  }

  private void awaitReconciles(int count) {
    double start = writes.reconciles(NAMESPACE, env);
    await().atMost(WAIT).until(() -> writes.reconciles(NAMESPACE, env) >= start + count);
  }

  private MigratorDeploymentSpec spec(Consumer<RemediationSpec> remediation) {
    var spec = scenario.spec();
    spec.remediation = new RemediationSpec();
    remediation.accept(spec.remediation);
    return spec;
  }

  private MigratorDeployment apply(MigratorDeploymentSpec spec) {
    return scenario.create(spec);
  }

  private MigratorDeployment get() {
    return scenario.get();
  }

  private MigratorDeployment awaitStatus(MigratorDeployment md, Predicate<MigratorDeployment> done) {
    return scenario.awaitStatus(WAIT, done);
  }

  private List<Event> events(String reason) {
    return scenario.events(reason);
  }
}
