package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static gov.cms.bfd.migrator.operator.sim.MigratorSimulator.nativeMessage;
import static gov.cms.bfd.migrator.operator.testbed.ConditionAssert.has;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import gov.cms.bfd.migrator.operator.testbed.ConditionAssert;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import gov.cms.bfd.migrator.operator.testbed.TestEnvironments;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The running operator against the real API server: status by server-side apply, every condition with its
 * generation, transition times that move only on a flip, and no write when nothing changed.
 */
@QuarkusTest
@WithTestResource(TestBedResource.class)
class ReconcilerStatusIT {

  private static final String NAMESPACE = "reconciler-status";

  @Inject
  KubernetesClient client;

  @Inject
  StatusWrites writes;

  @BeforeEach
  void namespace() {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
  }

  @Test
  void newResourceGetsEveryConditionWithItsGeneration() {
    // No queue, no instance and no log group for this environment in moto: observed, deployable (as the pipeline's
    // pre-check would pass it), and said to be possibly misnamed.
    var md = create("fresh", spec("skeleton-fresh", "30s", "5s"));

    var status = await().atMost(Duration.ofSeconds(30))
        .until(() -> get("fresh").getStatus(), s -> s != null && s.observedGeneration != null
            && s.observedGeneration.equals(md.getMetadata().getGeneration()));

    var byType = byType(get("fresh"));
    assertThat(byType.keySet()).containsExactlyInAnyOrderElementsOf(ConditionTypes.ALL);
    assertCondition(byType.get(ConditionTypes.READY), "True", Reasons.ENVIRONMENT_NOT_FOUND);
    assertCondition(byType.get(ConditionTypes.RECONCILING), "False", Reasons.OBSERVED);
    assertCondition(byType.get(ConditionTypes.STALLED), "False", Reasons.READY_TO_DEPLOY);
    assertCondition(byType.get(ConditionTypes.QUEUE_EMPTY), "True", Reasons.QUEUE_NOT_FOUND);
    assertCondition(byType.get(ConditionTypes.DEPLOYABLE), "True", Reasons.ENVIRONMENT_NOT_FOUND);
    assertThat(status.conditions).allSatisfy(c -> {
      assertThat(c.observedGeneration).isEqualTo(md.getMetadata().getGeneration());
      assertThat(c.lastTransitionTime).isNotBlank();
      // Every condition that says something carries a sentence; a False Reconciling or Stalled only its reason.
      boolean quietKstatus = "False".equals(c.status)
          && (ConditionTypes.RECONCILING.equals(c.type) || ConditionTypes.STALLED.equals(c.type));
      if (!quietKstatus) {
        assertThat(c.message).as(c.type).isNotBlank();
      }
    });
    assertThat(get("fresh").getMetadata().getManagedFields())
        .as("status is written by server-side apply under the operator's field manager")
        .anySatisfy(f -> {
          assertThat(f.getOperation()).isEqualTo("Apply");
          assertThat(f.getSubresource()).isEqualTo("status");
        });
  }

  @Test
  void reconcilesOfAnUnchangedResourceWriteNothing() {
    // Poll every second, so the operator reconciles many times while the test watches.
    create("steady", spec("skeleton-steady", "1s", "1s"));
    await().atMost(Duration.ofSeconds(30)).until(() -> get("steady").getStatus(),
        s -> s != null && s.observedGeneration != null && s.observedGeneration == 1L);
    String resourceVersion = get("steady").getMetadata().getResourceVersion();
    double writesBefore = writes.count(NAMESPACE, "steady");
    double reconcilesBefore = writes.reconciles(NAMESPACE, "steady");

    await().atMost(Duration.ofSeconds(30))
        .until(() -> writes.reconciles(NAMESPACE, "steady") >= reconcilesBefore + 5);

    assertThat(get("steady").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(writes.count(NAMESPACE, "steady")).isEqualTo(writesBefore);
  }

  @Test
  void specChangeMovesObservedGenerationAndTransitionTimeOnlyOnFlip() throws InterruptedException {
    create("changing", spec("skeleton-changing", "30s", "5s"));
    await().atMost(Duration.ofSeconds(30)).until(() -> get("changing").getStatus(),
        s -> s != null && s.observedGeneration != null && s.observedGeneration == 1L);
    var before = byType(get("changing"));
    Thread.sleep(1100); // transition times have one-second resolution

    var changed = get("changing");
    changed.getSpec().suspend = true;
    client.resource(changed).update();

    await().atMost(Duration.ofSeconds(30)).until(() -> get("changing").getStatus(),
        s -> s.observedGeneration != null && s.observedGeneration == 2L);
    var after = byType(get("changing"));
    assertThat(after.values()).allSatisfy(c -> assertThat(c.observedGeneration).isEqualTo(2L));
    // Reconciling stays False (Observed -> Suspended): same status, so the same transition time.
    assertCondition(after.get(ConditionTypes.RECONCILING), "False", Reasons.SUSPENDED);
    assertThat(after.get(ConditionTypes.RECONCILING).lastTransitionTime)
        .isEqualTo(before.get(ConditionTypes.RECONCILING).lastTransitionTime);
    // Ready flips True -> False: a new transition time.
    assertCondition(after.get(ConditionTypes.READY), "False", Reasons.SUSPENDED);
    assertThat(after.get(ConditionTypes.READY).lastTransitionTime)
        .isNotEqualTo(before.get(ConditionTypes.READY).lastTransitionTime);
    assertCondition(after.get(ConditionTypes.DEPLOYABLE), "Unknown", Reasons.SUSPENDED);
  }

  @Test
  void aStatusTheApiServerRefusesLeavesDeployableUnknownNeverAnEarlierTrue(TestInfo test) throws Exception {
    try (var scenario = new Scenario(client, NAMESPACE, "refused", test.getDisplayName())) {
      scenario.sim().createQueue();
      scenario.create(scenario.spec());
      scenario.awaitStatus(Duration.ofSeconds(60), m -> has(m, ConditionTypes.DEPLOYABLE, "True", Reasons.READY_TO_DEPLOY));
      // Stands in for etcd's size limit, or any other refusal: a status that shows queue messages is refused.
      var refusal = refuseStatusWithMessages(scenario.env());
      try {
        scenario.sim().send(nativeMessage(6001, 4, "Failed"));

        var md = scenario.awaitStatus(Duration.ofSeconds(60),
            m -> has(m, ConditionTypes.DEPLOYABLE, "Unknown", Reasons.STATUS_WRITE_FAILED));
        assertThat(ConditionAssert.condition(md, ConditionTypes.READY).orElseThrow().message)
            .contains("could not write this resource's status").contains("queue messages are refused here");
        double reconciles = writes.reconciles(NAMESPACE, scenario.env());
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.reconciles(NAMESPACE, scenario.env()) >= reconciles + 4);
        assertThat(scenario.get().getStatus().conditions).noneMatch(c -> ConditionTypes.DEPLOYABLE.equals(c.type)
            && "True".equals(c.status));
        assertThat(scenario.events(Reasons.STATUS_WRITE_FAILED)).as("one Event, not one per retry").hasSize(1);
      } finally {
        client.resourceList(refusal).delete();
      }
      scenario.awaitStatus(Duration.ofSeconds(90), m -> has(m, ConditionTypes.DEPLOYABLE, "False", Reasons.QUEUE_HAS_MESSAGES)
          && m.getStatus().queue != null && m.getStatus().queue.messages != null);
    }
  }

  @Test
  void aResourceWhoseEnvironmentDoesNotListItsNamespaceIsStalledAndNotObserved(TestInfo test) {
    try (var scenario = new Scenario(client, NAMESPACE, "unbound", test.getDisplayName())) {
      TestEnvironments.declare(client, scenario.env(), List.of("somewhere-else"), e -> { });
      scenario.create(scenario.spec());

      var md = scenario.awaitStatus(Duration.ofSeconds(30), m -> has(m, ConditionTypes.STALLED, "True",
          Reasons.ENVIRONMENT_NOT_BOUND));

      assertThat(ConditionAssert.condition(md, ConditionTypes.STALLED).orElseThrow().message)
          .contains("does not list namespace " + NAMESPACE);
      assertThat(ConditionAssert.condition(md, ConditionTypes.DEPLOYABLE).orElseThrow().status).isEqualTo("Unknown");
      assertThat(md.getStatus().queue).isNull();
      assertThat(scenario.environment().getStatus() == null || scenario.environment().getStatus().claimedBy == null)
          .as("no claim taken").isTrue();
    }
  }

  /** A ValidatingAdmissionPolicy, and its binding, that refuses the status of one resource while it shows messages. */
  private List<HasMetadata> refuseStatusWithMessages(String name) throws InterruptedException {
    var policy = new ValidatingAdmissionPolicyBuilder()
        .withNewMetadata().withName("test-refuse-status-" + name).endMetadata()
        .withNewSpec().withFailurePolicy("Fail")
        .withNewMatchConstraints().addNewResourceRule().withApiGroups(MigratorDeployment.GROUP).withApiVersions("*")
        .withOperations("UPDATE", "CREATE").withResources("migratordeployments/status").endResourceRule().endMatchConstraints()
        .addNewMatchCondition().withName("this-resource")
        .withExpression("object.metadata.namespace == '" + NAMESPACE + "' && object.metadata.name == '" + name + "'")
        .endMatchCondition()
        .addNewValidation().withExpression("!has(object.status) || !has(object.status.queue)"
            + " || !has(object.status.queue.messages) || size(object.status.queue.messages) == 0")
        .withMessage("queue messages are refused here (the test's stand-in for a status too large)").endValidation()
        .endSpec().build();
    var binding = new ValidatingAdmissionPolicyBindingBuilder()
        .withNewMetadata().withName("test-refuse-status-" + name).endMetadata()
        .withNewSpec().withPolicyName(policy.getMetadata().getName()).withValidationActions("Deny").endSpec().build();
    List<HasMetadata> objects = List.of(policy, binding);
    objects.forEach(o -> client.resource(o).serverSideApply());
    // In effect once a dry run of such a status is refused.
    var probe = get(name);
    var status = probe.getStatus();
    status.queue = new gov.cms.bfd.migrator.operator.api.QueueStatus();
    status.queue.messages = List.of(new gov.cms.bfd.migrator.operator.api.QueueMessage());
    await("the refusal is in effect").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          try {
            client.resource(probe).dryRun().updateStatus();
            return false;
          } catch (KubernetesClientException e) {
            return e.getCode() == 422 || e.getCode() == 403;
          }
        });
    return objects;
  }

  private MigratorDeployment create(String name, MigratorDeploymentSpec spec) {
    if (TestEnvironments.get(client, spec.environment) == null) {
      TestEnvironments.declareFor(client, NAMESPACE, spec);
    }
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    md.setSpec(spec);
    client.resource(md).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> get(name) == null);
    return client.resource(md).create();
  }

  private MigratorDeployment get(String name) {
    return client.resources(MigratorDeployment.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static MigratorDeploymentSpec spec(String environment, String poll, String activePoll) {
    var spec = new MigratorDeploymentSpec();
    spec.environment = environment;
    spec.timing = new TimingSpec();
    spec.timing.pollInterval = poll;
    spec.timing.activePollInterval = activePoll;
    return spec;
  }

  private static Map<String, Condition> byType(MigratorDeployment md) {
    return md.getStatus().conditions.stream().collect(Collectors.toMap(c -> c.type, Function.identity()));
  }

  private static void assertCondition(Condition condition, String status, String reason) {
    assertThat(condition).as("condition").isNotNull();
    assertThat(condition.status).as(condition.type + " status").isEqualTo(status);
    assertThat(condition.reason).as(condition.type + " reason").isEqualTo(reason);
  }
}
