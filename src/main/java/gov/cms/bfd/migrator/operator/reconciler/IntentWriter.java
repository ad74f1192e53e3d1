package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a status holding an action's intent before the action runs (S7), with the resourceVersion the
 * reconcile read as a precondition: if anyone (a stale leader, a concurrent writer) changed the resource
 * since, the write fails with 409 and the action does not run.
 */
@ApplicationScoped
public class IntentWriter {

  private final KubernetesClient client;

  public IntentWriter(KubernetesClient client) {
    this.client = client;
  }

  /** The resourceVersion after the write; throws KubernetesClientException (409) when the resource moved on. */
  public String write(MigratorDeployment read, MigratorDeploymentStatus status) {
    var fresh = new MigratorDeployment();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(read.getMetadata().getName())
        .withNamespace(read.getMetadata().getNamespace())
        .withResourceVersion(read.getMetadata().getResourceVersion())
        .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    return client.resource(fresh).subresource("status").patch(new PatchContext.Builder()
            .withPatchType(PatchType.SERVER_SIDE_APPLY)
            .withFieldManager(MigratorDeploymentReconciler.NAME)
            .withForce(true)
            .build())
        .getMetadata().getResourceVersion();
  }
}
