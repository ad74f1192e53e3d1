package gov.cms.bfd.migrator.operator.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether a MigratorDeployment may act for the environment it names (S8): the environment must exist, list the
 * resource's namespace, and be claimed by this resource, the first to claim it. A claim whose holder is gone
 * (deleted, moved to another environment, or in a namespace no longer listed) may be taken over. Pure: the one
 * fact that needs the API server, whether another holder is still valid, is asked through {@code holderValid}
 * and only when another resource holds the claim.
 */
public sealed interface Binding {

  /** This resource holds the claim. */
  record Holds() implements Binding {}

  /** Nobody validly holds the claim: this resource may take it. */
  record MayClaim(Optional<String> staleHolder) implements Binding {}

  /** The environment is missing or does not list the namespace. */
  record NotBound(String why) implements Binding {}

  /** Another resource holds the claim. */
  record ClaimedByOther(String holder) implements Binding {}

  /** What a MigratorEnvironment says about who may manage it. */
  record Environment(String name, List<String> namespaces, Optional<String> claimedBy) {
    public Environment {
      Objects.requireNonNull(name, "name");
      namespaces = List.copyOf(namespaces);
      Objects.requireNonNull(claimedBy, "claimedBy");
    }
  }

  /** {@code namespace/name}: how a claim names its holder. */
  static String holder(String namespace, String name) {
    return namespace + "/" + name;
  }

  static Binding decide(String namespace, String name, String environment, Optional<Environment> found,
      Predicate<String> holderValid) {
    if (found.isEmpty()) {
      return new NotBound("MigratorEnvironment " + environment + " does not exist: a cluster admin declares it, with "
          + namespace + " in spec.namespaces");
    }
    Environment env = found.get();
    if (!env.namespaces().contains(namespace)) {
      return new NotBound("MigratorEnvironment " + environment + " does not list namespace " + namespace
          + " in spec.namespaces (it lists " + String.join(", ", env.namespaces()) + ")");
    }
    String me = holder(namespace, name);
    Optional<String> claimed = env.claimedBy().filter(c -> !c.isBlank());
    if (claimed.isEmpty()) {
      return new MayClaim(Optional.empty());
    }
    if (claimed.get().equals(me)) {
      return new Holds();
    }
    return holderValid.test(claimed.get()) ? new ClaimedByOther(claimed.get()) : new MayClaim(claimed);
  }
}
