package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.cms.bfd.migrator.operator.api.Condition;
import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.api.TimingSpec;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
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
    // No queue and no instance for this environment in moto: observed, and deployable.
    var md = create("fresh", spec("skeleton-fresh", "30s", "5s"));

    var status = await().atMost(Duration.ofSeconds(30))
        .until(() -> get("fresh").getStatus(), s -> s != null && s.observedGeneration != null
            && s.observedGeneration.equals(md.getMetadata().getGeneration()));

    var byType = byType(get("fresh"));
    assertThat(byType.keySet()).containsExactlyInAnyOrderElementsOf(ConditionTypes.ALL);
    assertCondition(byType.get(ConditionTypes.READY), "True", Reasons.READY_TO_DEPLOY);
    assertCondition(byType.get(ConditionTypes.RECONCILING), "False", Reasons.OBSERVED);
    assertCondition(byType.get(ConditionTypes.STALLED), "False", Reasons.AS_EXPECTED);
    assertCondition(byType.get(ConditionTypes.QUEUE_EMPTY), "True", Reasons.QUEUE_NOT_FOUND);
    assertCondition(byType.get(ConditionTypes.DEPLOYABLE), "True", Reasons.READY_TO_DEPLOY);
    assertThat(status.conditions).allSatisfy(c -> {
      assertThat(c.observedGeneration).isEqualTo(md.getMetadata().getGeneration());
      assertThat(c.lastTransitionTime).isNotBlank();
      assertThat(c.message).isNotBlank();
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

  private MigratorDeployment create(String name, MigratorDeploymentSpec spec) {
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
