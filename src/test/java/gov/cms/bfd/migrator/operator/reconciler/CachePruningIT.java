package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.testbed.MotoReset;
import gov.cms.bfd.migrator.operator.testbed.Scenario;
import gov.cms.bfd.migrator.operator.testbed.TestBedResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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

/**
 * The informers keep the resources without their managed fields, as CachePruning says; the API server has them. So
 * does JOSDK's temporary cache of the operator's own status writes.
 */
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

  @Test
  void aStatusWriteIsCachedWithoutManagedFieldsWhateverArrivesFirst(TestInfo test) {
    try (var scenario = new Scenario(client, "pruning", "w", test.getDisplayName())) {
      scenario.sim().createQueue();
      scenario.create(scenario.spec());
      scenario.awaitStatus(Duration.ofSeconds(40), m -> m.getStatus() != null
          && m.getStatus().conditions != null && !m.getStatus().conditions.isEmpty());
      var controller = (Controller<MigratorDeployment>) operator.getRegisteredController(MigratorDeploymentReconciler.NAME)
          .orElseThrow();
      var source = controller.getEventSourceManager().getControllerEventSource();
      String fieldManager = controller.getConfiguration().fieldManager();

      // The operator's own write path, right after which the cache answers with the write's response (its event has
      // not come yet) or with the informer's copy (it has): neither may carry managed fields. A fingerprint no plan
      // has matches no approval, so the operator only writes its own back.
      for (int i = 0; i < 10; i++) {
        var read = scenario.get();
        var fresh = new MigratorDeployment();
        fresh.setMetadata(new ObjectMetaBuilder().withName(read.getMetadata().getName())
            .withNamespace(read.getMetadata().getNamespace()).build());
        fresh.setSpec(null);
        fresh.setStatus(read.getStatus());
        fresh.getStatus().planFingerprint = "cache-pruning-" + i;
        var written = source.eventFilteringUpdateAndCacheResource(fresh, CachePruning.applyStatus(client, fieldManager));

        var cached = source.get(ResourceID.fromResource(read)).orElseThrow();
        assertThat(cached.getMetadata().getManagedFields()).as("write %d", i).isNullOrEmpty();
        assertThat(Long.parseLong(cached.getMetadata().getResourceVersion()))
            .isGreaterThanOrEqualTo(Long.parseLong(written.getMetadata().getResourceVersion()));
        assertThat(written.getMetadata().getManagedFields()).isNullOrEmpty();
      }
    }
  }
}
