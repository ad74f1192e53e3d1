package gov.cms.bfd.migrator.operator.authority;

import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.ActionState;
import gov.cms.bfd.migrator.operator.api.AfterFailure;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.RemediationSpec;
import gov.cms.bfd.migrator.operator.plan.Approval;
import gov.cms.bfd.migrator.operator.sim.MigratorSimulator;
import gov.cms.bfd.migrator.operator.testbed.ConditionAssert;
import gov.cms.bfd.migrator.operator.testbed.FaultProxy;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.OperatorProcess;
import gov.cms.bfd.migrator.operator.testbed.TestBed;
import gov.cms.bfd.migrator.operator.testbed.TestEnvironments;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may make the operator act (S8), end to end: the packaged operator, a fault proxy in front of moto that counts
 * every destructive call reaching AWS, and resources written the way the people the issue names would write them: a
 * namespace the environment does not list, two claimants of one environment, a resource deleted and re-created to
 * shake off the 60-second rule and the hourly cap, a status history forged by whoever may patch status, and an
 * approval while the admission policy that guards approvals is not in force.
 */
@ExtendWith(MotoReset.class)
class AuthorityProcessIT {

  private static final String BOUND = "authority";
  private static final String OTHER = "authority-other";
  private static final String ADMIN = "kubeapitest";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private KubernetesClient admin;
  private FaultProxy aws;
  private OperatorProcess operator;
  private String env;
  private MigratorSimulator sim;
  private final List<String> namespacesUsed = new ArrayList<>(List.of(BOUND, OTHER));

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    admin = TestBed.get().client();
    for (String namespace : namespacesUsed) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
    }
    env = "auth" + Integer.toHexString(test.getDisplayName().hashCode() & 0xfffffff);
    sim = new MigratorSimulator(TestBed.get().moto().endpoint(), "us-east-1", env);
    sim.createQueue();
    aws = new FaultProxy(TestBed.get().moto().endpoint());
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (operator != null) {
        operator.close();
      }
      aws.close();
    } finally {
      for (String namespace : namespacesUsed) {
        admin.resources(MigratorDeployment.class).inNamespace(namespace).delete();
      }
      TestEnvironments.forget(admin, env);
      sim.close();
      admin.close();
    }
  }

  @Test
  void aResourceInANamespaceTheEnvironmentDoesNotListPurgesNothing() throws Exception {
    // The attacker: another namespace, afterFailure Auto, aimed at an environment that is not theirs.
    TestEnvironments.declare(admin, env, List.of(BOUND), e -> { });
    sim.send(nativeMessage(6001, 4, "Failed"));
    start(Map.of());

    create(OTHER, "attacker", r -> r.afterFailure = AfterFailure.Auto);

    var md = awaitStatus(OTHER, "attacker", m -> has(m, ConditionTypes.STALLED, "True", Reasons.ENVIRONMENT_NOT_BOUND));
    assertThat(ConditionAssert.condition(md, ConditionTypes.DEPLOYABLE).orElseThrow().status).isEqualTo("Unknown");
    settle();
    assertThat(changes()).as("calls that changed something in AWS").isEmpty();
    assertThat(sim.peekBodies()).as("the run's Failed message").hasSize(1);
    assertThat(TestEnvironments.get(admin, env).getStatus()).as("no claim, no ledger").isNull();
  }

  @Test
  void ofTwoClaimantsOnlyTheFirstActsAndTheOtherNamesIt() throws Exception {
    TestEnvironments.declare(admin, env, List.of(BOUND, OTHER), e -> { });
    start(Map.of());
    create(BOUND, "first", r -> { });
    awaitStatus(BOUND, "first", m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));

    create(OTHER, "second", r -> { });
    var second = awaitStatus(OTHER, "second", m -> has(m, ConditionTypes.STALLED, "True", Reasons.ENVIRONMENT_CLAIMED));
    sim.send(nativeMessage(5046, 14, "Finished"));

    awaitStatus(BOUND, "first", m -> m.getStatus().history != null && has(m, ConditionTypes.DEPLOYABLE, "True",
        Reasons.READY_TO_DEPLOY));
    settle();
    assertThat(ConditionAssert.condition(second, ConditionTypes.STALLED).orElseThrow().message)
        .contains("the MigratorDeployment " + BOUND + "/first manages environment " + env);
    assertThat(TestEnvironments.get(admin, env).getStatus().claimedBy).isEqualTo(BOUND + "/first");
    assertThat(changes()).extracting(FaultProxy.Forwarded::operation).containsExactly("PurgeQueue");
    assertThat(get(OTHER, "second").getStatus().history).as("the other resource shows no ledger").isNull();
  }

  @Test
  void deletingAndRecreatingTheResourceKeepsTheSixtySecondRuleAndTheHourlyCap() throws Exception {
    TestEnvironments.declare(admin, env, List.of(BOUND), e -> { });
    start(Map.of());
    sim.send(nativeMessage(5046, 14, "Finished"));
    create(BOUND, "recreated", r -> r.maxActionsPerHour = 1);
    awaitStatus(BOUND, "recreated", m -> m.getStatus().history != null && has(m, ConditionTypes.DEPLOYABLE, "True",
        Reasons.READY_TO_DEPLOY));
    assertThat(changes()).hasSize(1);

    admin.resources(MigratorDeployment.class).inNamespace(BOUND).withName("recreated").delete();
    await().atMost(WAIT).until(() -> get(BOUND, "recreated") == null);
    sim.send(nativeMessage(5047, 14, "Finished"));
    create(BOUND, "recreated", r -> r.maxActionsPerHour = 1);

    var md = awaitStatus(BOUND, "recreated", m -> m.getStatus().plannedActions != null
        && m.getStatus().plannedActions.get(0).state == ActionState.Blocked);
    settle();
    assertThat(md.getStatus().plannedActions.get(0).blockedBy).as("the ledger outlived the resource")
        .containsAnyOf("one purge per queue every 60 seconds", "circuit breaker: 1 action(s) in the last hour");
    assertThat(get(BOUND, "recreated").getStatus().history).as("the new resource shows the ledger").hasSize(1);
    assertThat(changes()).as("purges that reached AWS").hasSize(1);
    assertThat(sim.peekBodies()).hasSize(1);
  }

  @Test
  void aForgedStatusHistoryMakesTheOperatorDoNothingItWouldNotDo() throws Exception {
    // A finished run whose instance still runs: the purge waits until the service is seen stopped (S1).
    TestEnvironments.declare(admin, env, List.of(BOUND), e -> { });
    String instance = sim.launchInstance();
    sim.send(nativeMessage(5046, 14, "Finished"));
    start(Map.of());
    create(BOUND, "forged", r -> { });
    awaitStatus(BOUND, "forged", m -> m.getStatus().plannedActions != null && m.getStatus().plannedActions.stream()
        .anyMatch(a -> a.state == ActionState.Blocked && a.blockedBy != null && a.blockedBy.contains(instance)));

    // Whoever may patch status writes that the service was stopped, and that approvals were used long ago.
    for (int i = 0; i < 5; i++) {
      admin.resources(MigratorDeployment.class).inNamespace(BOUND).withName("forged").subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"history\":[{\"time\":\""
              + java.time.Instant.now() + "\",\"action\":\"StopService\",\"target\":\"" + instance
              + "/bfd-db-migrator.service\",\"outcome\":\"Succeeded\",\"detail\":\"forged\"}]}}");
      Thread.sleep(1_000);
    }
    settle();

    assertThat(changes()).as("calls that changed something in AWS").isEmpty();
    assertThat(sim.peekBodies()).hasSize(1);
    assertThat(get(BOUND, "forged").getStatus().plannedActions).anySatisfy(a -> assertThat(a.blockedBy)
        .contains("not confirmed stopped"));
  }

  @Test
  void anApprovalIsNotActedOnWhileThePolicyThatGuardsApprovalsIsNotInForce() throws Exception {
    TestEnvironments.declare(admin, env, List.of(BOUND), e -> { });
    sim.send(nativeMessage(6001, 4, "Failed"));
    // The operator looks for a policy that is not there, as on a cluster installed with approval.enabled=false.
    start(Map.of("MIGRATOR_APPROVAL_POLICY_NAME", "not-installed.migrator.bfd.cms.gov"));
    create(BOUND, "unguarded", r -> { });
    var md = awaitStatus(BOUND, "unguarded", m -> m.getStatus().planFingerprint != null
        && m.getStatus().plannedActions.get(0).state == ActionState.AwaitingApproval);

    admin.resources(MigratorDeployment.class).inNamespace(BOUND).withName("unguarded").edit(m -> {
      m.getMetadata().getAnnotations().put(Approval.APPROVE, md.getStatus().planFingerprint);
      m.getMetadata().getAnnotations().put(Approval.APPROVED_BY, ADMIN);
      return m;
    });

    var after = awaitStatus(BOUND, "unguarded", m -> m.getStatus().plannedActions.get(0).blockedBy != null
        && m.getStatus().plannedActions.get(0).blockedBy.contains("is not acted on"));
    settle();
    assertThat(after.getStatus().plannedActions.get(0).blockedBy)
        .contains("the ValidatingAdmissionPolicy not-installed.migrator.bfd.cms.gov is not installed");
    assertThat(changes()).as("calls that changed something in AWS").isEmpty();
    assertThat(sim.peekBodies()).hasSize(1);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** The calls that change something: purges, terminations, stops (SendCommand also carries the systemd reads). */
  private List<FaultProxy.Forwarded> changes() {
    return aws.destructive().stream().filter(f -> !f.operation().equals("SendCommand")
        || f.body().contains("systemctl stop")).toList();
  }

  private void start(Map<String, String> environment) throws Exception {
    operator = OperatorProcess.start(TestBed.get(), aws.endpoint(), "authority", environment, "/q/health/ready");
  }

  /** A few reconciles at the 1 s active interval: time for anything that would happen to happen. */
  private static void settle() throws InterruptedException {
    Thread.sleep(6_000);
  }

  private void create(String namespace, String name, Consumer<RemediationSpec> remediation) {
    var spec = new MigratorDeploymentSpec();
    spec.environment = env;
    spec.timing = new gov.cms.bfd.migrator.operator.api.TimingSpec();
    spec.timing.pollInterval = "2s";
    spec.timing.activePollInterval = "1s";
    spec.timing.leftoverAfter = "0s"; // the operator is the queue's only reader here
    spec.remediation = new RemediationSpec();
    remediation.accept(spec.remediation);
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withAnnotations(new HashMap<>()).build());
    md.setSpec(spec);
    admin.resource(md).create();
  }

  private MigratorDeployment get(String namespace, String name) {
    return admin.resources(MigratorDeployment.class).inNamespace(namespace).withName(name).get();
  }

  private MigratorDeployment awaitStatus(String namespace, String name, Predicate<MigratorDeployment> done) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
        .until(() -> get(namespace, name), m -> m != null && m.getStatus() != null && done.test(m));
  }
}
