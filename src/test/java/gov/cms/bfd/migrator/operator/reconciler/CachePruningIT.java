package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** The informers keep the resources without their managed fields, as CachePruning says; the API server has them. */
@QuarkusTest
@WithTestResource(TestBedResource.class)
@ExtendWith(MotoReset.class)
class CachePruningIT {

  @Inject
  KubernetesClient client;

  @Inject
  Operator operator;

  @Test
  void informersHoldResourcesWithoutManagedFields(TestInfo test) {
    try (var scenario = new Scenario(client, "pruning", "c", test.getDisplayName())) {
      scenario.sim().createQueue();
      scenario.create(scenario.spec());
      var md = scenario.awaitStatus(Duration.ofSeconds(40), m -> m.getStatus() != null
          && m.getStatus().conditions != null && !m.getStatus().conditions.isEmpty());
      assertThat(md.getMetadata().getManagedFields()).as("the API server's copy").isNotEmpty();
      assertThat(scenario.environment().getMetadata().getManagedFields()).as("the API server's copy").isNotEmpty();

      var controller = (Controller<?>) operator.getRegisteredController(MigratorDeploymentReconciler.NAME).orElseThrow();
      var cached = controller.getEventSourceManager().getControllerEventSource().get(ResourceID.fromResource(md))
          .orElseThrow();
      assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
      assertThat(cached.getMetadata().getResourceVersion()).isNotBlank();

      var environments = controller.getEventSourceManager().getEventSourcesFor(MigratorEnvironment.class);
      assertThat(environments).singleElement().satisfies(source -> {
        var environment = ((io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<?, ?>) source)
            .get(new ResourceID(scenario.env())).orElseThrow();
        assertThat(environment.getMetadata().getManagedFields()).isNullOrEmpty();
      });
    }
  }
}
