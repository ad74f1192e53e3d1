package gov.cms.bfd.migrator.operator.model;

import gov.cms.bfd.migrator.operator.api.ActionType;
import gov.cms.bfd.migrator.operator.api.MigratorDeployment;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one reconcile starts from, converted once: the resource's identity, generation and annotations,
 * the spec resolved against its environment (or why it cannot be), what the operator remembers and what the
 * environment's ledger holds, whether approvals are guarded, and the time the reconcile began.
 */
public record Input(
    String namespace,
    String name,
    long generation,
    Map<String, String> annotations,
    Resolved settings,
    Prior prior,
    ApprovalGuard approvals,
    Instant now) {

  public Input {
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(approvals, "approvals");
  }

  /**
   * The input of one reconcile of {@code resource}: its spec resolved against the environment it is bound to (or
   * why it cannot act), the ledger as the record of what was done, and the operator's own memory. The resource's
   * status is not read: whoever may patch it could otherwise forge or wipe what the safety rules count.
   */
  public static Input of(MigratorDeployment resource, Binding binding, Optional<MigratorEnvironmentSpec> environment,
      List<ActionRecord> ledger, boolean queueConfirmedEmpty, boolean migrationRunning, ApprovalGuard approvals,
      Instant now) {
    var meta = resource.getMetadata();
    long generation = meta.getGeneration() == null ? 0 : meta.getGeneration();
    String name = resource.getSpec() == null ? "" : String.valueOf(resource.getSpec().environment);
    Resolved settings;
    if (binding instanceof Binding.NotBound notBound) {
      settings = new Resolved.NotBound(name, notBound.why());
    } else if (binding instanceof Binding.ClaimedByOther other) {
      settings = new Resolved.Claimed(name, other.holder());
    } else if (binding instanceof Binding.Holds) {
      try {
        settings = new Resolved.Valid(Settings.from(resource.getSpec(), name, environment.orElse(null)));
      } catch (InvalidSpecException e) {
        settings = new Resolved.Invalid(e);
      }
    } else {
      throw new IllegalStateException("a free claim is taken before the input is built: " + binding);
    }
    return new Input(meta.getNamespace(), meta.getName(), generation,
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations(), settings,
        new Prior(queueConfirmedEmpty, migrationRunning, ledger), approvals, now);
  }

  /** An input whose approvals are guarded by the admission policy. */
  public Input(String namespace, String name, long generation, Map<String, String> annotations, Resolved settings,
      Prior prior, Instant now) {
    this(namespace, name, generation, annotations, settings, prior, ApprovalGuard.ENFORCED, now);
  }

  /**
   * What this reconcile builds on: whether the queue was already confirmed empty (for this generation) and
   * whether a migration was running (the operator's own memory), and the actions taken, newest first, from the
   * environment's ledger, never from the resource's own status, which whoever may patch it could forge or wipe.
   */
  public record Prior(boolean queueConfirmedEmpty, boolean migrationRunning, List<ActionRecord> history) {
    public static final Prior NONE = new Prior(false, false, List.of());

    public Prior {
      history = List.copyOf(history);
    }

    /**
     * Whether the queue's counts alone may stand for it on this look: it was confirmed empty, and no purge is in its
     * window. AWS may delete a message that arrives in a purge's window within seconds, long before the counts (a
     * minute behind) show it; only a receive records it, as evidence the purge may have deleted.
     */
    public boolean countsSuffice() {
      return queueConfirmedEmpty
          && history.stream().noneMatch(r -> r.action() == ActionType.PurgeQueue && r.pending());
    }
  }

  /**
   * Whether an approval given by annotation may be acted on: only while the admission policy that holds it to
   * the approving user and the verb {@code approve} is installed and bound; otherwise why not.
   */
  public record ApprovalGuard(Optional<String> missing) {
    public static final ApprovalGuard ENFORCED = new ApprovalGuard(Optional.empty());

    public ApprovalGuard {
      Objects.requireNonNull(missing, "missing");
    }

    public static ApprovalGuard missing(String why) {
      return new ApprovalGuard(Optional.of(why));
    }

    public boolean enforced() {
      return missing.isEmpty();
    }
  }

  /** The resolved spec, or the reason it cannot be acted on. */
  public sealed interface Resolved {
    /** A usable spec, bound to its environment and holding its claim. */
    record Valid(Settings settings) implements Resolved {}

    /** A spec only a person can fix. */
    record Invalid(InvalidSpecException problem) implements Resolved {}

    /** The environment does not exist or does not list this resource's namespace. */
    record NotBound(String environment, String why) implements Resolved {}

    /** Another MigratorDeployment manages the environment. */
    record Claimed(String environment, String holder) implements Resolved {}
  }
}
