package gov.cms.bfd.migrator.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentSpec;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachePruningTest {

  @Test
  void dropsManagedFieldsAndLastAppliedKeepsWhatTheOperatorReads() {
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("bfd").withName("prod").withResourceVersion("42")
        .withGeneration(3L).withUid("u-1")
        .withAnnotations(Map.of(CachePruning.LAST_APPLIED, "{\"spec\":{}}",
            "migrator.bfd.cms.gov/approve", "fp-1", "migrator.bfd.cms.gov/approved-by", "alice"))
        .withLabels(Map.of("shard", "a"))
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("migrator-operator").withOperation("Apply")
            .withFieldsV1(new FieldsV1()).build())
        .build());
    md.setSpec(new MigratorDeploymentSpec());
    md.getSpec().environment = "prod";
    md.setStatus(new MigratorDeploymentStatus());

    var pruned = CachePruning.prune(md);

    assertThat(pruned.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(pruned.getMetadata().getAnnotations()).doesNotContainKey(CachePruning.LAST_APPLIED)
        .containsEntry("migrator.bfd.cms.gov/approve", "fp-1").containsEntry("migrator.bfd.cms.gov/approved-by", "alice");
    assertThat(pruned.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(pruned.getMetadata().getGeneration()).isEqualTo(3L);
    assertThat(pruned.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(pruned.getMetadata().getLabels()).containsEntry("shard", "a");
    assertThat(pruned.getSpec().environment).isEqualTo("prod");
    assertThat(pruned.getStatus()).isNotNull();
  }

  @Test
  void theStoresKeyAndPruneWhatTheyHold() {
    var store = new CachePruning.Deployments();
    var md = new MigratorDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("bfd").withName("prod")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
    store.put(store.getKey(md), md);
    assertThat(store.get("bfd/prod").getMetadata().getManagedFields()).isNullOrEmpty();
  }
}
