package gov.cms.bfd.migrator.operator.fleet;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionOutcome;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.testbed.HoldingProxy;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two packaged operators with leader election against one API server: only the Lease holder acts; when it is
 * killed (SIGKILL) in the middle of a purge, the standby takes over, and the purge that already reached AWS is
 * verified, not repeated.
 */
@ExtendWith(MotoReset.class)
class LeaderElectionProcessIT {

  private static final String NAMESPACE = "leader";
  private static final String LEASE = "migrator-operator";
  private static final String PURGE = "AmazonSQS.PurgeQueue";

  private KubernetesClient client;
  private Scenario scenario;

  @BeforeEach
  void setUp(TestInfo test) {
    client = TestBed.get().client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    client.leases().inNamespace(NAMESPACE).withName(LEASE).delete();
    scenario = new Scenario(client, NAMESPACE, "l", test.getDisplayName());
    scenario.sim().createQueue();
    scenario.sim().send(nativeMessage(5046, 14, "Finished"));
  }

  @AfterEach
  void tearDown() {
    scenario.close();
    client.close();
  }

  @Test
  void standbyTakesOverWhenTheLeaderIsKilledMidPurgeAndRepeatsNothing() throws Exception {
    try (var leaderAws = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE);
        var standbyAws = new HoldingProxy(TestBed.get().moto().endpoint(), PURGE)) {
      leaderAws.hold(HoldingProxy.Hold.AFTER_FORWARDING);
      var leader = OperatorProcess.start(TestBed.get(), leaderAws.endpoint(), "leader", env("replica-a"), "/q/health/live");
      await().atMost(Duration.ofSeconds(60)).until(() -> holder().equals(Optional.of("replica-a")));
      try (var standby = OperatorProcess.start(TestBed.get(), standbyAws.endpoint(), "standby", env("replica-b"),
          "/q/health/live")) {
        assertThat(holder()).contains("replica-a");
        scenario.create(scenario.spec());

        assertThat(leaderAws.awaitHolding(60)).as("the leader calls PurgeQueue").isTrue();
        assertThat(scenario.get().getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Pending);
        long killed = System.nanoTime();
        leader.kill(); // AWS purged; the leader never heard back, and never released the Lease
        leaderAws.close();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> holder().equals(Optional.of("replica-b")));
        double leaseTaken = (System.nanoTime() - killed) / 1e9;
        var md = scenario.awaitStatus(Duration.ofSeconds(60), m -> m.getStatus() != null && m.getStatus().history != null
            && m.getStatus().history.get(0).outcome != ActionOutcome.Pending);
        double acted = (System.nanoTime() - killed) / 1e9;
        System.out.printf("leader hand-over: Lease taken %.1f s and the pending purge verified %.1f s after SIGKILL%n",
            leaseTaken, acted);

        assertThat(md.getStatus().history.get(0).outcome).isEqualTo(ActionOutcome.Succeeded);
        md = scenario.awaitStatus(Duration.ofSeconds(60), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
        assertThat(md.getStatus().history).as("one purge in history").hasSize(1);
        assertThat(leaderAws.forwarded()).as("purges by the leader").isEqualTo(1);
        assertThat(standbyAws.forwarded()).as("purges by the standby").isZero();
        assertThat(standby.log()).contains("replica-b");
      }
    }
  }

  private Optional<String> holder() {
    var lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
  }

  private static Map<String, String> env(String identity) {
    return Map.of("LEADER_ELECTION_ENABLED", "true", "LEADER_ELECTION_NAMESPACE", NAMESPACE, "POD_NAME", identity);
  }
}
