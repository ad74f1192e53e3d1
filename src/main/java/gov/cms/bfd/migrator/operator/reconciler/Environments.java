package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentStatus;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.Binding;
import gov.cms.bfd.migrator.operator.report.EnvironmentStatuses;
import gov.cms.bfd.migrator.operator.report.Histories;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The MigratorEnvironment side of a reconcile (I/O): which environment a MigratorDeployment names, whether it may
 * act for it (S8), its claim, and the ledger. Every write of the environment's status carries the
 * resourceVersion that was read, so two claimants, or a stale leader, cannot both succeed: the loser gets a 409,
 * acts on nothing, and JOSDK runs it again on a fresh read.
 */
@ApplicationScoped
public class Environments {

  private static final Logger LOG = Logger.getLogger(Environments.class);
  private final KubernetesClient client;

  public Environments(KubernetesClient client) {
    this.client = client;
  }

  /** The environment and this resource's standing with it, after taking the claim when it is free. */
  public record Resolution(Optional<MigratorEnvironment> environment, Binding binding) {
    public Resolution {
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(binding, "binding");
    }

    /** The ledger, newest first: the safety record every rule reads. */
    public List<ActionRecord> ledger() {
      return environment.map(MigratorEnvironment::getStatus).map(s -> Histories.from(s.ledger)).orElse(List.of());
    }
  }

  /** Reads the environment from the informer's cache and claims it for {@code resource} when nobody validly holds it. */
  public Resolution resolve(MigratorDeployment resource, Context<MigratorDeployment> context, Instant now) {
    var meta = resource.getMetadata();
    String environmentName = resource.getSpec() == null ? null : resource.getSpec().environment;
    if (environmentName == null || environmentName.isBlank()) {
      return new Resolution(Optional.empty(), new Binding.NotBound("spec.environment is not set"));
    }
    Optional<MigratorEnvironment> found = context.getSecondaryResource(MigratorEnvironment.class)
        .filter(e -> environmentName.equals(e.getMetadata().getName()));
    Binding binding = Binding.decide(meta.getNamespace(), meta.getName(), environmentName, found.map(Environments::view),
        holder -> holderValid(holder, environmentName, found.get()));
    String me = Binding.holder(meta.getNamespace(), meta.getName());
    if (binding instanceof Binding.MayClaim claim) {
      MigratorEnvironment claimed = writeStatus(context, found.get(), Optional.of(me), ledgerOf(found.get()), now);
      LOG.infof("%s claims MigratorEnvironment %s%s", me, environmentName,
          claim.staleHolder().map(h -> " (held by " + h + ", which no longer manages it)").orElse(""));
      return new Resolution(Optional.of(claimed), new Binding.Holds());
    }
    if (binding instanceof Binding.NotBound && found.isPresent()
        && found.get().getStatus() != null && me.equals(found.get().getStatus().claimedBy)) {
      // Its namespace was taken off the list: the claim goes, so a resource in a listed namespace may take it.
      writeStatus(context, found.get(), Optional.empty(), ledgerOf(found.get()), now);
      LOG.infof("%s releases MigratorEnvironment %s: %s", me, environmentName, ((Binding.NotBound) binding).why());
    }
    return new Resolution(found, binding);
  }

  /** Writes the ledger (with the claim it stands under); the environment as written. */
  public MigratorEnvironment writeLedger(Context<MigratorDeployment> context, MigratorEnvironment environment,
      List<ActionRecord> ledger, Instant now) {
    return writeStatus(context, environment, Optional.ofNullable(environment.getStatus()).map(s -> s.claimedBy),
        ledger, now);
  }

  private static List<ActionRecord> ledgerOf(MigratorEnvironment environment) {
    return environment.getStatus() == null ? List.of() : Histories.from(environment.getStatus().ledger);
  }

  private static Binding.Environment view(MigratorEnvironment environment) {
    return new Binding.Environment(environment.getMetadata().getName(),
        environment.getSpec() == null || environment.getSpec().namespaces == null ? List.of()
            : environment.getSpec().namespaces,
        Optional.ofNullable(environment.getStatus()).map(s -> s.claimedBy));
  }

  /**
   * Whether the holder of a claim still manages the environment: it exists, names it, and its namespace is listed.
   * Read from the API server, not from this operator's cache, which may not hold other namespaces or shards; a
   * holder this operator may not read counts as valid (never take a claim on a guess).
   */
  private boolean holderValid(String holder, String environmentName, MigratorEnvironment environment) {
    String[] parts = holder.split("/", 2);
    if (parts.length != 2) {
      return false;
    }
    if (environment.getSpec() == null || environment.getSpec().namespaces == null
        || !environment.getSpec().namespaces.contains(parts[0])) {
      return false;
    }
    try {
      // A list by name rather than a get: the operator already lists MigratorDeployments and needs no other verb.
      var held = client.resources(MigratorDeployment.class).inNamespace(parts[0])
          .withField("metadata.name", parts[1]).list().getItems();
      return held.stream().anyMatch(md -> md.getSpec() != null && environmentName.equals(md.getSpec().environment));
    } catch (KubernetesClientException e) {
      LOG.debugf("cannot read the holder %s of MigratorEnvironment %s (%s): it keeps the claim", holder, environmentName,
          e.getMessage());
      return true;
    }
  }

  /**
   * Server-side apply of the whole status with the resourceVersion read as a precondition; the response, pruned as
   * the informer prunes (CachePruning), goes into the informer's cache, so the next reconcile reads it back.
   */
  private MigratorEnvironment writeStatus(Context<MigratorDeployment> context, MigratorEnvironment read,
      Optional<String> claimedBy, List<ActionRecord> ledger, Instant now) {
    MigratorEnvironmentStatus status = EnvironmentStatuses.compose(read.getStatus(),
        read.getMetadata().getGeneration() == null ? 0 : read.getMetadata().getGeneration(), claimedBy, ledger, now);
    var fresh = new MigratorEnvironment();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(read.getMetadata().getName())
        .withResourceVersion(read.getMetadata().getResourceVersion())
        .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    return context.resourceOperations().resourcePatch(fresh, CachePruning.applyStatus(context));
  }
}
