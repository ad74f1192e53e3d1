package gov.cms.bfd.migrator.operator.diagnose;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.monitorMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMigrating;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.assertCondition;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.AwsSpec;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.ExitStatusSource;
import gov.cms.bfd.migrator.operator.api.FailureMode;
import gov.cms.bfd.migrator.operator.api.MessageFormat;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.Text;
import gov.cms.bfd.migrator.operator.api.RemediationMode;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.aws.AwsCallMetrics;
import gov.cms.bfd.migrator.operator.reconciler.StatusWrites;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import gov.cms.bfd.migrator.operator.testbed.ConditionAssert;
import gov.cms.bfd.migrator.operator.testbed.FaultInjector;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.ShiftableClock;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestEnvironments;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator against the real API server and moto, one runbook scenario per test: the conditions, the
 * failure mode and the next steps with real names. Throttling and AccessDenied are injected by an SDK
 * interceptor, because moto does not emulate them; so is the passing of time for stalled and orphaned runs.
 */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class ObserveDiagnoseIT {

  private static final String NAMESPACE = "observe-diagnose";
  private static final Duration WAIT = Duration.ofSeconds(40);

  @Inject
  KubernetesClient client;

  @Inject
  FaultInjector faults;

  @Inject
  ShiftableClock clock;

  @Inject
  AwsCallMetrics calls;

  @Inject
  StatusWrites writes;

  private Scenario scenario;
  private MigratorSimulator sim;
  private String env;

  @BeforeEach
  void setUp(TestInfo test) {
    scenario = new Scenario(client, NAMESPACE, "e", test.getDisplayName());
    sim = scenario.sim();
    env = scenario.env();
  }

  @AfterEach
  void tearDown() {
    scenario.close();
    faults.clear();
    clock.reset();
  }

  @Test
  void clean() {
    String url = sim.createQueue();

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));

    assertCondition(md, ConditionTypes.QUEUE_EMPTY, "True", Reasons.QUEUE_IS_EMPTY);
    assertCondition(md, ConditionTypes.INSTANCE_ABSENT, "True", Reasons.NO_INSTANCE);
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.NO_RESULT_YET);
    assertCondition(md, ConditionTypes.READY, "True", Reasons.READY_TO_DEPLOY);
    assertCondition(md, ConditionTypes.STALLED, "False", Reasons.READY_TO_DEPLOY);
    assertThat(md.getStatus().failureMode).isEqualTo(FailureMode.None);
    assertThat(md.getStatus().queue.url).isEqualTo(url);
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("Nothing to do"));
  }

  @Test
  void queueNotFound() {
    sim.createLogGroup(); // the environment exists; it has no queue (yet)

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.QUEUE_EMPTY, "True", Reasons.QUEUE_NOT_FOUND));

    assertCondition(md, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY);
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains(sim.queueName() + " does not exist"));
    assertThat(events(Reasons.ENVIRONMENT_NOT_FOUND)).isEmpty();
  }

  @Test
  void nothingOfTheEnvironmentInAwsPassesTheGateAndSaysItMayBeMisnamed() {
    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.ENVIRONMENT_NOT_FOUND));

    assertCondition(md, ConditionTypes.QUEUE_EMPTY, "True", Reasons.QUEUE_NOT_FOUND);
    assertCondition(md, ConditionTypes.READY, "True", Reasons.ENVIRONMENT_NOT_FOUND);
    assertThat(conditionMessage(md, ConditionTypes.DEPLOYABLE)).contains(sim.queueName()).contains(sim.logGroup())
        .contains("misspelt");
    assertThat(md.getStatus().runbook.nextSteps.get(0)).contains("kubectl get migratorenvironment");
    await().atMost(WAIT).until(() -> events(Reasons.ENVIRONMENT_NOT_FOUND).size() == 1);

    sim.createLogGroup(); // Terraform catches up: the name was right after all
    clock.shift(Duration.ofMinutes(11)); // past the kept answer

    awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    assertThat(events(Reasons.ENVIRONMENT_NOT_FOUND)).hasSize(1);
  }

  @Test
  void leftoverSuccessMessage() {
    String url = sim.createQueue();
    sim.send(nativeMessage(5046, 13, "Migrating"));
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.UndeployableState);

    assertCondition(md, ConditionTypes.QUEUE_EMPTY, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "True", Reasons.SUCCEEDED);
    assertCondition(md, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertCondition(md, ConditionTypes.INSTANCE_ABSENT, "True", Reasons.NO_INSTANCE);
    assertThat(md.getStatus().lastRun.exitStatus).isZero();
    assertThat(md.getStatus().lastRun.exitStatusSource).isEqualTo(ExitStatusSource.SqsMessage);
    assertThat(md.getStatus().lastRun.pid).isEqualTo(5046L);
    // The run is summarized (its last stage); only what ends it is kept whole.
    assertThat(md.getStatus().queue.messages).extracting(m -> m.appStage).containsExactly("Finished");
    assertThat(md.getStatus().queue.runs).singleElement().satisfies(r -> {
      assertThat(r.pid).isEqualTo("5046");
      assertThat(r.lastStage).isEqualTo("Finished");
      assertThat(r.exitStatus).isZero();
    });
    assertThat(md.getStatus().runbook.section).isEqualTo("Undeployable State");
    assertThat(md.getStatus().runbook.nextSteps)
        .anySatisfy(s -> assertThat(s).contains("aws sqs purge-queue --region us-east-1 --queue-url " + url))
        .anySatisfy(s -> assertThat(s).contains("{\"Name\":\"tag:Name\",\"Values\":[\"bfd-" + env + "-migrator\"]}"));
    await().atMost(WAIT).until(() -> events("UndeployableState").size() == 1);
    assertThat(events("UndeployableState").get(0).getMessage()).contains("pid 5046").contains(url);
    // Read with visibility timeout 0 and never deleted: the evidence is still in the queue for everyone.
    assertThat(sim.peekBodies()).hasSize(2);
  }

  @Test
  void exitStatus1InMonitorFormatWithConfigurationChecks() {
    sim.createQueue();
    sim.configuration();
    sim.send(monitorMessage("4242", "exited", "1", null));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.InvalidAppConfiguration
        && m.getStatus().diagnostics != null && m.getStatus().diagnostics.checks != null);

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.INVALID_APP_CONFIGURATION);
    assertThat(md.getStatus().lastRun.messageFormat).isEqualTo(MessageFormat.Monitor);
    assertThat(md.getStatus().diagnostics.checks).extracting(c -> c.name + ":" + c.passed).contains(
        "CallerIdentity:true", "ParametersReadable:true", "KmsKeyUsable:true");
    assertThat(md.getStatus().runbook.section).isEqualTo("Invalid App Configuration (1)");
    assertThat(md.getStatus().runbook.nextSteps)
        .anySatisfy(s -> assertThat(s).contains("--path /bfd/" + env + "/common/nonsensitive/").contains("/bfd/" + env + "/migrator/nonsensitive/"))
        // No instance is left to read the *_vars.json files on (NextStepsTest shows them with one): the repository's
        // Ansible files are where the fix goes.
        .anySatisfy(s -> assertThat(s).contains("ops/ansible/roles/bfd-db-migrator/templates"));
  }

  @Test
  void exitStatus2InNativeFormatToldByTheLog() {
    sim.createQueue();
    String instance = sim.launchInstance();
    nativeRunUntilFailed();
    sim.log(instance, List.of("Successfully started", "Flyway Exception when running migration: relation already exists",
        "Migration failed, shutting down"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.MigrationFailed);

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.MIGRATION_FAILED);
    assertCondition(md, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.ORPHANED_INSTANCE);
    assertThat(md.getStatus().lastRun.exitStatus).isEqualTo(2);
    assertThat(md.getStatus().lastRun.exitStatusSource).isEqualTo(ExitStatusSource.Log);
    assertThat(md.getStatus().diagnostics.logStream).isEqualTo(instance);
    assertThat(md.getStatus().diagnostics.logExcerpt).anySatisfy(l -> assertThat(l).contains("Flyway Exception"));
    assertThat(md.getStatus().runbook.nextSteps)
        .anySatisfy(s -> assertThat(s).contains("--log-group-name " + sim.logGroup()).contains("--log-stream-name " + instance)
            .contains("migrator-log.json"))
        .anySatisfy(s -> assertThat(s).contains("terminate-instances --region us-east-1 --instance-ids " + instance));
  }

  @Test
  void exitStatus3InNativeFormatToldByTheLog() {
    sim.createQueue();
    String instance = sim.launchInstance();
    nativeRunUntilFailed();
    sim.log(instance, List.of("Successfully started", "Validation failed, shutting down"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.ValidationFailed);

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.VALIDATION_FAILED);
    assertThat(md.getStatus().lastRun.exitStatus).isEqualTo(3);
    assertThat(md.getStatus().runbook.section).isEqualTo("Validation Failed (3)");
  }

  @Test
  void nativeFailedWithoutLogOrSystemdIsAnUnknownExitStatusNotAGuess() {
    sim.createQueue();
    nativeRunUntilFailed();

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.UNKNOWN_EXIT_STATUS));

    assertThat(md.getStatus().failureMode).isEqualTo(FailureMode.UndeployableState);
    assertThat(md.getStatus().lastRun.exitStatus).isNull();
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("No exit status settles it"));
  }

  @Test
  void exitStatus2And3InMonitorFormatWithSchemaVersion() {
    sim.createQueue();
    sim.send(monitorMessage("4242", "(null)", "0/0", null));
    sim.send(monitorMessage("4242", "exited", "2", "10020"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.MigrationFailed);
    assertThat(md.getStatus().lastRun.schemaVersion).isEqualTo("10020");
    assertThat(md.getStatus().lastRun.exitStatusSource).isEqualTo(ExitStatusSource.SqsMessage);

    sim.send(monitorMessage("4343", "exited", "3", "10021"));
    md = awaitStatus(md, m -> m.getStatus().failureMode == FailureMode.ValidationFailed);
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.VALIDATION_FAILED);
    assertThat(md.getStatus().lastRun.schemaVersion).isEqualTo("10021");
  }

  @Test
  void exitStatus4GetsGuidanceOfItsOwn() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.send(nativeMessage(7001, 1, "Started"));
    sim.send(nativeMessage(7001, 2, "Connected"));
    sim.stopInstance(instance);
    sim.log(instance, List.of("Successfully started", "app terminating due to unhandled exception: message=Queue does not exist"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().failureMode == FailureMode.UnhandledException);

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "False", Reasons.UNHANDLED_EXCEPTION);
    assertThat(md.getStatus().lastRun.exitStatus).isEqualTo(4);
    assertThat(md.getStatus().runbook.section).contains("not in the runbook");
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("sqs:SendMessage"));
  }

  @Test
  void migrationInProgress() {
    sim.createQueue();
    sim.launchInstance();
    sim.send(nativeMessage(8001, 1, "Started"));
    sim.send(nativeMigrating(8001, 2, "BeforeFile", "20240528145630581", "V20240528145630581__Add_column.sql"));

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.MIGRATION_IN_PROGRESS));

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.IN_PROGRESS);
    assertCondition(md, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertCondition(md, ConditionTypes.RECONCILING, "True", Reasons.MIGRATION_IN_PROGRESS);
    assertThat(md.getStatus().failureMode).isEqualTo(FailureMode.None);
    assertThat(md.getStatus().lastRun.stage).contains("Migrating").contains("BeforeFile");
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("do not purge"));
    // SQS's approximate counts lag (the realism layer's countsLagSeconds; up to a minute in AWS): the migration is
    // unchanged, to AWS too, once its counts have caught up with the two messages and cannot move any more.
    double lag = TestBed.get().moto().realism().describe().path("settings").path("countsLagSeconds").asDouble();
    long settled = System.nanoTime() + (long) ((lag + 0.5) * 1e9);
    md = awaitStatus(md, m -> System.nanoTime() > settled && m.getStatus().queue != null
        && Long.valueOf(2).equals(m.getStatus().queue.visible));

    double reconciles = writes.reconciles(NAMESPACE, env);
    double statusWrites = writes.count(NAMESPACE, env);
    double sqs = calls.count("sqs");
    double ec2 = calls.count("ec2");
    double other = calls.count("logs") + calls.count("ssm");
    await().atMost(WAIT).until(() -> writes.reconciles(NAMESPACE, env) >= reconciles + 5);
    // Fast polling of an unchanged migration writes nothing: its messages name times, not ages.
    assertThat(writes.count(NAMESPACE, env)).isEqualTo(statusWrites);
    double n = writes.reconciles(NAMESPACE, env) - reconciles;
    System.out.printf("active environment: %.2f SQS, %.2f EC2, %.2f Logs+SSM calls per reconcile over %.0f reconciles%n",
        (calls.count("sqs") - sqs) / n, (calls.count("ec2") - ec2) / n, (calls.count("logs") + calls.count("ssm") - other) / n, n);
  }

  @Test
  void stalledMigratorWhenTimePassesWithoutProgress() {
    sim.createQueue();
    sim.launchInstance();
    sim.send(nativeMessage(8101, 1, "Started"));
    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.MIGRATION_IN_PROGRESS));

    clock.shift(Duration.ofMinutes(20)); // moto cannot age a message: the operator's clock moves instead

    md = awaitStatus(md, m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.STALLED_MIGRATOR));
    assertThat(md.getStatus().failureMode).isEqualTo(FailureMode.UndeployableState);
    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains("staleAfter 15m");
  }

  @Test
  void orphanedInstanceAndAnSsmSuccessWithoutOutputIsNotProof() {
    sim.createQueue();
    String instance = sim.launchInstance();
    clock.shift(Duration.ofMinutes(20));

    // SSM answers the command only a moment after SendCommand (InvocationDoesNotExist until then, as in AWS): until
    // then the check says the command has not finished; what it says once SSM answered is what counts here.
    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.ORPHANED_INSTANCE)
        && m.getStatus().diagnostics != null && m.getStatus().diagnostics.checks != null
        && m.getStatus().diagnostics.checks.stream().noneMatch(c -> c.detail != null && c.detail.contains("not finished yet")));

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.NO_RESULT_YET);
    assertCondition(md, ConditionTypes.DEPLOYABLE, "False", Reasons.ORPHANED_INSTANCE);
    assertThat(md.getStatus().diagnostics.checks).anySatisfy(c -> {
      assertThat(c.name).isEqualTo("SystemdState");
      assertThat(c.passed).isFalse();
      assertThat(c.detail).contains("no output");
    });
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("--instance-ids " + instance)
        .contains("systemctl stop -- bfd-db-migrator.service"));
  }

  /**
   * A message belongs to an instance only if it was sent after that instance launched: an old run's Finished is not
   * the end of the run a newly launched instance is starting (the old reading stopped and purged on its account).
   */
  @Test
  void anOldRunsFinalMessageIsNotTiedToANewerInstance() throws InterruptedException {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
    Thread.sleep(1_500); // EC2's launch time has whole seconds: launched strictly after the message was sent
    String instance = sim.launchInstance();

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.MIGRATION_IN_PROGRESS));

    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.IN_PROGRESS);
    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains(instance).contains("an earlier run's");
    assertThat(md.getStatus().plannedActions).as("nothing stopped or purged on the new instance's account").isNull();
  }

  /**
   * systemd active means a run is in progress, however silent the queue and the log: not an orphaned instance. moto
   * has no systemd; the realism layer plays what systemctl prints on the instance.
   */
  @Test
  void aLiveButSilentRunIsNotOrphanedMotoHasNoSystemd() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.systemd(instance, java.util.Map.of("ActiveState", "active", "ExecMainCode", "0", "ExecMainStatus", "0",
        "ExecMainPID", "5046"));
    clock.shift(Duration.ofMinutes(20));

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.STALLED_MIGRATOR));

    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains("reports bfd-db-migrator.service active");
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.IN_PROGRESS);
  }

  /** A unit that is not loaded on the instance is a finding for a person, not a stopped service. */
  @Test
  void aUnitThatIsNotLoadedIsAFindingMotoHasNoSystemd() {
    sim.createQueue();
    String instance = sim.launchInstance();
    sim.send(nativeMessage(5046, 14, "Finished"));
    sim.systemd(instance, java.util.Map.of("LoadState", "not-found", "ActiveState", "inactive", "ExecMainCode", "0",
        "ExecMainStatus", "0", "ExecMainPID", "0"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().runbook != null
        && m.getStatus().runbook.nextSteps.stream().anyMatch(st -> st.contains("LoadState=not-found")));

    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains("LoadState=not-found").contains("service.unit");
    assertThat(ConditionAssert.condition(md, ConditionTypes.STALLED).orElseThrow().status).isEqualTo("True");
  }

  /**
   * An instance SSM does not manage (SendCommand: InvalidInstanceId) is a finding of its own, not "AWS did not answer,
   * retrying": status says it is not reachable through SSM and the next steps give the runbook's SSH route.
   */
  @Test
  void anInstanceSsmDoesNotManageIsNotAnOutageAndGetsTheSshRouteMotoAcceptsAnyInstance() {
    sim.createQueue();
    String instance = sim.launchInstanceSsmDoesNotManage();
    sim.send(nativeMessage(5046, 14, "Finished"));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().runbook != null
        && m.getStatus().runbook.nextSteps.get(0).contains("not reachable through SSM"));

    assertThat(md.getStatus().runbook.nextSteps.get(0)).contains("over SSH").contains(instance);
    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains("not reachable through SSM");
    assertThat(ConditionAssert.condition(md, ConditionTypes.STALLED).orElseThrow().status).isEqualTo("True");
    assertThat(ConditionAssert.condition(md, ConditionTypes.READY).orElseThrow().reason).isNotEqualTo(Reasons.AWS_UNAVAILABLE);
    assertThat(md.getStatus().runbook.nextSteps).noneSatisfy(st -> assertThat(st).contains("through SSM: aws ssm"));
  }

  @Test
  void hostileBodiesAreKeptBoundedAndNeverGuessedAt() {
    sim.createQueue();
    sim.send("this is not JSON");
    sim.send("{\"appStage\":\"Finished\",\"messageId\":\"fourteen\",\"pid\":5046}");
    sim.send("x".repeat(200 * 1024));

    var md = awaitStatus(apply(spec()), m -> m.getStatus() != null && m.getStatus().queue != null
        && m.getStatus().queue.messages != null && m.getStatus().queue.messages.size() == 3);

    assertThat(md.getStatus().queue.messages).allSatisfy(m -> {
      assertThat(m.format).isEqualTo(MessageFormat.Unrecognized);
      assertThat(Text.jsonBytes(m.raw)).isLessThanOrEqualTo(MessageParser.MAX_RAW_BYTES);
    });
    assertThat(md.getStatus().queue.messages).anySatisfy(m -> assertThat(m.truncated).isTrue());
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "Unknown", Reasons.NO_RESULT_YET);
    assertCondition(md, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertThat(md.getStatus().failureMode).isEqualTo(FailureMode.UndeployableState);
  }

  @Test
  void throttlingMakesTheQueueUnknownAndRecovers() {
    sim.createQueue();
    faults.fail("sqs", "*", FaultInjector.throttling());

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.QUEUE_EMPTY, "Unknown", Reasons.AWS_UNAVAILABLE));
    assertCondition(md, ConditionTypes.DEPLOYABLE, "Unknown", Reasons.AWS_UNAVAILABLE);
    assertCondition(md, ConditionTypes.READY, "False", Reasons.AWS_UNAVAILABLE);
    assertCondition(md, ConditionTypes.RECONCILING, "True", Reasons.AWS_UNAVAILABLE);
    assertCondition(md, ConditionTypes.STALLED, "False", Reasons.AWS_UNAVAILABLE);

    faults.clear();
    awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
  }

  @Test
  void accessDeniedStallsNamesTheActionAndHidesNothingElse() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
    faults.fail("ec2", "DescribeInstances", FaultInjector.accessDenied("ec2:DescribeInstances"));

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "Unknown", Reasons.ACCESS_DENIED));

    assertThat(conditionMessage(md, ConditionTypes.INSTANCE_ABSENT)).contains("ec2:DescribeInstances");
    assertCondition(md, ConditionTypes.STALLED, "True", Reasons.ACCESS_DENIED);
    // What the queue showed still counts: a message blocks the deploy whatever EC2 says.
    assertCondition(md, ConditionTypes.QUEUE_EMPTY, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertCondition(md, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES);
    assertCondition(md, ConditionTypes.MIGRATION_SUCCEEDED, "True", Reasons.SUCCEEDED);
  }

  @Test
  void assumesTheEnvironmentsRoleInTheEnvironmentsRegion() {
    var west = new MigratorSimulator(TestBed.get().moto().endpoint(), "us-west-2", env);
    west.createQueue();
    west.send(nativeMessage(9001, 14, "Finished"));
    west.close();
    double assumed = calls.count("sts", "AssumeRole");
    TestEnvironments.declare(client, env, List.of(NAMESPACE), e -> {
      e.aws = new AwsSpec();
      e.aws.region = "us-west-2";
      e.aws.roleArn = "arn:aws:iam::123456789012:role/bfd-migrator-operator";
    });

    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.MIGRATION_SUCCEEDED, "True", Reasons.SUCCEEDED));

    assertThat(calls.count("sts", "AssumeRole")).isGreaterThan(assumed);
    // Only us-west-2 holds this queue and message: seeing them means the environment's region was used.
    assertThat(md.getStatus().queue.url).endsWith("/bfd-" + env + "-migrator");
    assertThat(md.getStatus().runbook.nextSteps).anySatisfy(s -> assertThat(s).contains("--region us-west-2"));
  }

  @Test
  void schemaVersionMismatchIsReported() {
    sim.createQueue();
    sim.putParameter("/bfd/" + env + "/common/nonsensitive/database_schema_version", "20240522164906244");
    var spec = spec();
    spec.expectedSchemaVersion = "20240601000000000";

    var md = awaitStatus(apply(spec), m -> m.getStatus() != null && m.getStatus().diagnostics != null
        && m.getStatus().diagnostics.checks != null);

    assertThat(md.getStatus().diagnostics.checks).anySatisfy(c -> {
      assertThat(c.name).isEqualTo("SchemaVersion");
      assertThat(c.passed).isFalse();
      assertThat(c.detail).contains("20240522164906244").contains("20240601000000000");
    });
  }

  @Test
  void recoveryIsAnnouncedOnceAndAQuietEnvironmentWritesNothing() {
    sim.createQueue();
    sim.send(nativeMessage(5046, 14, "Finished"));
    var md = awaitStatus(apply(spec()), m -> has(m, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES));

    sim.purgeQueue();

    md = awaitStatus(md, m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
    await().atMost(WAIT).until(() -> events("Deployable").size() == 1);
    String resourceVersion = md.getMetadata().getResourceVersion();
    double sqsCalls = calls.count("sqs");
    double ec2Calls = calls.count("ec2");
    double reconciles = writes.reconciles(NAMESPACE, env);
    await().atMost(WAIT).until(() -> writes.reconciles(NAMESPACE, env) >= reconciles + 4);

    assertThat(get().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(events("Deployable")).hasSize(1);
    assertThat(events("UndeployableState")).hasSize(1);
    double idleReconciles = writes.reconciles(NAMESPACE, env) - reconciles;
    double sqsPerReconcile = (calls.count("sqs") - sqsCalls) / idleReconciles;
    System.out.printf("idle environment: %.2f SQS and %.2f EC2 calls per reconcile over %.0f reconciles%n", sqsPerReconcile,
        (calls.count("ec2") - ec2Calls) / idleReconciles, idleReconciles);
    assertThat(sqsPerReconcile).isLessThanOrEqualTo(1.0);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private void nativeRunUntilFailed() {
    sim.send(nativeMessage(6001, 1, "Started"));
    sim.send(nativeMessage(6001, 2, "Connected"));
    sim.send(nativeMigrating(6001, 3, "BeforeFile", "20240528145630581", "V20240528145630581__Add_column.sql"));
    sim.send(nativeMessage(6001, 4, "Failed"));
  }

  /** Observe mode: these tests watch the diagnosis; acting on it is ActIT's. */
  private MigratorDeploymentSpec spec() {
    var spec = scenario.spec();
    spec.remediation = new RemediationSpec();
    spec.remediation.mode = RemediationMode.Observe;
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

  private static String conditionMessage(MigratorDeployment md, String type) {
    return ConditionAssert.condition(md, type).orElseThrow().message;
  }
}
