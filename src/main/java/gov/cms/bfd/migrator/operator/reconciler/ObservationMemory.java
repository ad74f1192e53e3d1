package gov.cms.bfd.migrator.operator.reconciler;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorDeploymentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.report.Conditions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator itself concluded on its last look at a resource, kept in memory rather than read back from
 * the resource's status: whoever may patch that status could otherwise make the operator skip its confirming
 * receive. A restart forgets it, which costs one more confirming receive per environment.
 */
@ApplicationScoped
public class ObservationMemory {

  /** The last conclusion for one resource (by uid, so a re-created resource starts afresh). */
  record Recalled(long generation, boolean queueConfirmedEmpty, boolean migrationRunning) {}

  private final Map<String, Recalled> byUid = new ConcurrentHashMap<>();

  Recalled recall(String uid, long generation) {
    Recalled recalled = byUid.get(uid);
    if (recalled == null) {
      return new Recalled(generation, false, false);
    }
    // The queue's confirmation holds for the generation it was made under; a running migration regardless.
    return new Recalled(generation, recalled.queueConfirmedEmpty() && recalled.generation() == generation,
        recalled.migrationRunning());
  }

  void remember(String uid, long generation, MigratorDeploymentStatus status) {
    boolean confirmedEmpty = Conditions.find(status.conditions, ConditionTypes.QUEUE_EMPTY)
        .filter(c -> "True".equals(c.status) && Reasons.QUEUE_IS_EMPTY.equals(c.reason)).isPresent();
    boolean running = Conditions.find(status.conditions, ConditionTypes.INSTANCE_ABSENT)
        .filter(c -> Reasons.MIGRATION_IN_PROGRESS.equals(c.reason)).isPresent();
    byUid.put(uid, new Recalled(generation, confirmedEmpty, running));
  }

  /** Forgets the resources that are gone. */
  void retainOnly(Set<String> uids) {
    byUid.keySet().removeIf(uid -> !uids.contains(uid));
  }

  int size() {
    return byUid.size();
  }

  static String uid(String uid, String namespace, String name) {
    return Objects.requireNonNullElse(uid, namespace + "/" + name);
  }
}
