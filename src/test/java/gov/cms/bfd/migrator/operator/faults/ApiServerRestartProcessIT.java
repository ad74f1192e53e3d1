package gov.cms.bfd.migrator.operator.faults;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMigrating;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.testbed.DedicatedApiServer;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server killed (SIGKILL) and started again under a running operator, on an API server of this test's
 * own (etcd keeps the data; the shared test bed is not disturbed). It goes down at the worst moment: AWS has
 * purged a queue and the operator is about to record that in status. The operator must survive the outage,
 * pick up again once the API server is back, record the purge once (verified, not repeated), and see what
 * changed in AWS meanwhile. Also: an outage longer than JOSDK's retries for a failing status write.
 */
@ExtendWith(MotoReset.class)
class ApiServerRestartProcessIT {

  private static final String NAMESPACE = "apiserver-restart";
  private static final Duration DOWN = Duration.ofSeconds(20);
  /** Past one attempt and its retry: each failing write takes about 20 s of the client's own retries. */
  private static final Duration LONG_DOWN = Duration.ofSeconds(60);
  /** quarkus.operator-sdk.controllers."migratordeployment".max-reconciliation-interval */
  private static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofSeconds(30);
  private static final String VERSION = "20240528145630581";
  private static final String FILE = "V20240528145630581__Add_column.sql";

  @Test
  void theOperatorRidesOutAnApiServerRestartAndRepeatsNoAction() throws Exception {
    var root = TestBed.get().projectRoot();
    try (var api = DedicatedApiServer.start(root); var client = api.client();
        var aws = new FaultProxy(TestBed.get().moto().endpoint())) {
      var running = new Scenario(client, NAMESPACE, "ar", "restart");
      var leftover = new Scenario(client, NAMESPACE, "al", "restart");
      running.sim().createQueue();
      running.sim().launchInstance();
      running.sim().send(nativeMessage(8001, 1, "Started"));
      running.sim().send(nativeMigrating(8001, 2, "BeforeFile", VERSION, FILE));
      leftover.sim().createQueue();
      leftover.sim().send(nativeMessage(5046, 14, "Finished"));
      aws.holdAnswerOf("PurgeQueue");
      try (var operator = OperatorProcess.start(root, api.kubeconfigFile(), aws.endpoint(), "restart", Map.of(),
          "/q/health/ready")) {
        running.create(spec(running, true));
        running.awaitStatus(Duration.ofSeconds(60), m -> has(m, ConditionTypes.INSTANCE_ABSENT, "False",
            Reasons.MIGRATION_IN_PROGRESS));
        leftover.create(spec(leftover, false));
        assertThat(aws.awaitHeld(Duration.ofSeconds(60))).as("the operator calls PurgeQueue").isTrue();
        assertThat(leftover.get().getStatus().history.get(0).outcome).as("intent recorded before the call")
            .isEqualTo(ActionOutcome.Pending);

        api.stopApiServer();
        long stopped = System.nanoTime();
        aws.releaseHeld(); // the operator hears that AWS purged, with no API server to record it in
        running.sim().send(nativeMigrating(8001, 3, "AfterFile", VERSION, FILE));
        Thread.sleep(DOWN.toMillis());
        assertThat(operator.alive()).as("the operator outlives the outage").isTrue();
        Duration startup = api.startApiServer(Duration.ofSeconds(90));
        long back = System.nanoTime();

        var purged = leftover.awaitStatus(Duration.ofSeconds(120), m -> m.getStatus().history != null
            && m.getStatus().history.stream().noneMatch(h -> h.outcome == ActionOutcome.Pending)
            && has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
        double purgeRecorded = (System.nanoTime() - back) / 1e9;
        var followed = running.awaitStatus(Duration.ofSeconds(120), m -> Scenario.messagesOfRun(m, "8001") == 3);
        double progressSeen = (System.nanoTime() - back) / 1e9;
        System.out.printf("API server restart: down %.1f s (restart took %.1f s); after it served again, the purge was "
                + "recorded %.1f s and the progress sent while it was down seen %.1f s later; %d purge(s) reached moto%n",
            (back - stopped) / 1e9, startup.toMillis() / 1000.0, purgeRecorded, progressSeen, aws.destructive().size());

        assertThat(purged.getStatus().history).extracting(h -> h.action + ":" + h.outcome)
            .containsExactly("PurgeQueue:Succeeded");
        assertThat(purged.getStatus().history.get(0).evidence).anySatisfy(e -> assertThat(e).contains("pid 5046"));
        assertThat(aws.destructive()).as("destructive calls that reached AWS").singleElement()
            .satisfies(f -> assertThat(f.body()).contains(leftover.sim().queueName()));
        assertThat(followed.getStatus().history).isNull();
        assertThat(has(followed, ConditionTypes.INSTANCE_ABSENT, "False", Reasons.MIGRATION_IN_PROGRESS)).isTrue();
        assertThat(has(followed, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES)).isTrue();
        assertThat(running.sim().peekBodies()).hasSize(3);
      } finally {
        List.of(running, leftover).forEach(Scenario::close);
      }
    }
  }

  /**
   * A reconcile whose status write fails during the outage is retried by JOSDK a bounded number of times (10;
   * each failing write also takes about 20 s of the Kubernetes client's own retries, so some 5 minutes); after
   * that JOSDK waits for the max reconciliation interval, 10 hours unless set. The operator's retries are cut
   * to one here, so that a 60-second outage outlasts them as a longer one would outlast ten.
   */
  @Test
  void anOutageLongerThanTheRetriesLeavesNoEnvironmentBehind() throws Exception {
    var root = TestBed.get().projectRoot();
    try (var api = DedicatedApiServer.start(root); var client = api.client();
        var aws = new FaultProxy(TestBed.get().moto().endpoint())) {
      var running = new Scenario(client, NAMESPACE, "ax", "retries");
      running.sim().createQueue();
      running.sim().launchInstance();
      running.sim().send(nativeMessage(8001, 1, "Started"));
      try (var operator = OperatorProcess.start(root, api.kubeconfigFile(), aws.endpoint(), "retries",
          Map.of("QUARKUS_OPERATOR_SDK_CONTROLLERS__MIGRATORDEPLOYMENT__RETRY_MAX_ATTEMPTS", "1"), "/q/health/ready")) {
        running.create(spec(running, true));
        running.awaitStatus(Duration.ofSeconds(60), m -> Scenario.messagesOfRun(m, "8001") == 1);

        api.stopApiServer();
        // Progress while the API server is down: the next reconcile has a status to write, and cannot.
        running.sim().send(nativeMigrating(8001, 2, "BeforeFile", VERSION, FILE));
        Thread.sleep(LONG_DOWN.toMillis());
        api.startApiServer(Duration.ofSeconds(90));
        long back = System.nanoTime();

        running.awaitStatus(Duration.ofSeconds(90), m -> Scenario.messagesOfRun(m, "8001") == 2);
        double caughtUp = (System.nanoTime() - back) / 1e9;
        // No retry left pending: JOSDK spent them ("Exhausted retries"), or, when the failing write came from the
        // informer's cache update, dropped the reconcile without a retry ("Uncaught error during event processing").
        boolean exhausted = operator.log().contains("Exhausted retries");
        boolean dropped = operator.log().contains("Uncaught error during event processing");
        System.out.printf("API server outage past the retries: the status caught up %.1f s after the API server was back"
            + " (exhausted retries: %s, dropped without retry: %s)%n", caughtUp, exhausted ? "yes" : "no",
            dropped ? "yes" : "no");
        assertThat(exhausted || dropped).as("the outage left no retry pending").isTrue();
        // The max reconciliation interval (30 s), and a write that was failing when the API server came back.
        assertThat(caughtUp).isLessThan(MAX_RECONCILIATION_INTERVAL.plus(Duration.ofSeconds(25)).toSeconds());
      } finally {
        running.close();
      }
    }
  }

  private static MigratorDeploymentSpec spec(Scenario scenario, boolean actOnRunning) {
    var spec = scenario.spec();
    spec.remediation = new RemediationSpec();
    // Enabled for the running migration, so that a misjudgment after the outage would act and be counted.
    spec.remediation.stopService = actOnRunning;
    spec.remediation.terminateInstance = actOnRunning;
    return spec;
  }
}
