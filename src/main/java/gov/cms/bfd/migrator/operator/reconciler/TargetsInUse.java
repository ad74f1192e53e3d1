package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.aws.AwsClients;
import gov.cms.bfd.migrator.operator.observe.AwsTarget;
import gov.cms.bfd.migrator.operator.observe.InstanceDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which AWS targets (region, role, session) the live resources use, so that the clients, assumed-role credentials
 * and shared instance queries of the ones no resource uses any more are closed and forgotten.
 */
@ApplicationScoped
public class TargetsInUse {

  private final Map<String, AwsTarget> byResource = new ConcurrentHashMap<>();
  private final AwsClients clients;
  private final InstanceDirectory instances;

  public TargetsInUse(AwsClients clients, InstanceDirectory instances) {
    this.clients = clients;
    this.instances = instances;
  }

  void use(String uid, AwsTarget target) {
    byResource.put(uid, target);
  }

  /** Keeps the targets of these resources; closes what only others used. */
  void retainOnly(Set<String> uids) {
    byResource.keySet().removeIf(uid -> !uids.contains(uid));
    Set<AwsTarget> live = new HashSet<>(byResource.values());
    clients.retainOnly(live);
    instances.retainOnly(live);
  }
}
