package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.UnaryOperator;

/**
 * What the informers keep of each resource: all but what the operator never reads. The managed fields (server-side
 * apply's record of who set which field: a tree of maps per writer, as large as the status itself) and kubectl's
 * last-applied annotation (the whole spec again, on resources applied client-side). The operator reads its own
 * annotations (approvals, suspend), the spec and the status; a status write carries only name, namespace and status
 * (and a resourceVersion, which stays).
 *
 * <p>A status write's response is pruned the same way before JOSDK keeps it: JOSDK holds the response of a write in a
 * temporary cache until the informer's event for that version arrives, and when the event comes while the write is
 * still in flight (a near API server answers fast), the entry stays until the resource's next event, which an idle
 * resource may never have. Unpruned, those entries held 1,100 copies with managed fields after 1000 environments were
 * onboarded (about 10 MiB of live heap, `make bench`).
 */
final class CachePruning {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private CachePruning() {}

  /** The resource as the informer keeps it (pruned in place: the informer has just read it, nobody else holds it). */
  static <R extends HasMetadata> R prune(R resource) {
    var meta = resource.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
        var annotations = new java.util.LinkedHashMap<>(meta.getAnnotations());
        annotations.remove(LAST_APPLIED);
        meta.setAnnotations(annotations);
      }
    }
    return resource;
  }

  /**
   * A server-side apply of {@code status} by {@code fieldManager}, forced (the operator owns its status fields), whose
   * answer is pruned before JOSDK caches it.
   */
  static <R extends HasMetadata> UnaryOperator<R> applyStatus(Context<?> context) {
    return applyStatus(context.getClient(), context.getControllerConfiguration().fieldManager());
  }

  /** {@link #applyStatus(Context)} with the client and field manager given. */
  static <R extends HasMetadata> UnaryOperator<R> applyStatus(KubernetesClient client, String fieldManager) {
    var apply = new PatchContext.Builder().withForce(true).withFieldManager(fieldManager)
        .withPatchType(PatchType.SERVER_SIDE_APPLY).build();
    return resource -> prune(client.resource(resource).subresource("status").patch(apply));
  }

  /** The primary informer's store (named in the reconciler's @ControllerConfiguration; built by the extension). */
  public static final class Deployments extends TransformingItemStore<MigratorDeployment> {
    public Deployments() {
      super(CachePruning::prune);
    }
  }

  /** The MigratorEnvironment informer's store. */
  static final class Environments extends TransformingItemStore<MigratorEnvironment> {
    Environments() {
      super(CachePruning::prune);
    }
  }
}
