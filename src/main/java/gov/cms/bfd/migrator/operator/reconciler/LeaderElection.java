package gov.cms.bfd.migrator.operator.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election for running more than one replica: only the holder of the Lease reconciles, so no action runs
 * twice. Off unless {@code migrator.leader-election.enabled} (LEADER_ELECTION_ENABLED); the Helm chart and deploy/
 * turn it on. A replica that loses the Lease exits and is restarted, rather than acting on a stale view.
 */
@Dependent
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  @ConfigProperty(name = "migrator.leader-election.enabled", defaultValue = "false")
  boolean enabled;

  @ConfigProperty(name = "migrator.leader-election.lease-name", defaultValue = "migrator-operator")
  String leaseName;

  /** The Lease's namespace; the pod's own (downward API) in a cluster, else the client's current namespace. */
  @ConfigProperty(name = "migrator.leader-election.namespace")
  Optional<String> leaseNamespace;

  /** Who holds the Lease: the pod's name in a cluster; a random name elsewhere, so two local processes differ. */
  @ConfigProperty(name = "migrator.leader-election.identity")
  Optional<String> identity;

  /**
   * How long a Lease holds without renewal: what a hand-over after a crash waits for. 10 s (Kubernetes' own
   * controllers use 15 s) keeps the hand-over within 20 s: the Lease expires, a standby's next try (every
   * {@code retry-period}) takes it, and its informers sync.
   */
  @ConfigProperty(name = "migrator.leader-election.lease-duration", defaultValue = "10s")
  Duration leaseDuration;

  @ConfigProperty(name = "migrator.leader-election.renew-deadline", defaultValue = "7s")
  Duration renewDeadline;

  @ConfigProperty(name = "migrator.leader-election.retry-period", defaultValue = "2s")
  Duration retryPeriod;

  /** Null when off: the operator then starts its controllers at once (the extension reads it so). */
  @Produces
  @Dependent
  @Unremovable // looked up by the extension, not injected
  LeaderElectionConfiguration leaderElection() {
    if (!enabled) {
      return null;
    }
    String who = identity.orElseGet(() -> "migrator-operator-" + UUID.randomUUID());
    LOG.infof("leader election on: Lease %s/%s as %s (duration %s, renew deadline %s, retry every %s)",
        leaseNamespace.orElse("(client namespace)"), leaseName, who, leaseDuration, renewDeadline, retryPeriod);
    var builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName).withIdentity(who)
        .withLeaseDuration(leaseDuration).withRenewDeadline(renewDeadline).withRetryPeriod(retryPeriod);
    leaseNamespace.ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }
}
