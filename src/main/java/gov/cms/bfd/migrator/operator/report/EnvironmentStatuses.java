package gov.cms.bfd.migrator.operator.report;

import gov.cms.bfd.migrator.operator.api.ConditionTypes;
import gov.cms.bfd.migrator.operator.api.MigratorEnvironmentStatus;
import gov.cms.bfd.migrator.operator.api.Reasons;
import gov.cms.bfd.migrator.operator.model.ActionRecord;
import gov.cms.bfd.migrator.operator.model.DesiredCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A MigratorEnvironment's status: who claims it, its Claimed condition, and the ledger. Pure. */
public final class EnvironmentStatuses {

  private EnvironmentStatuses() {}

  public static MigratorEnvironmentStatus compose(MigratorEnvironmentStatus prior, long generation,
      Optional<String> claimedBy, List<ActionRecord> ledger, Instant now) {
    MigratorEnvironmentStatus next = new MigratorEnvironmentStatus();
    next.observedGeneration = generation;
    next.claimedBy = claimedBy.orElse(null);
    DesiredCondition claimed = claimedBy
        .map(holder -> DesiredCondition.isTrue(ConditionTypes.CLAIMED, Reasons.CLAIMED,
            "Managed by the MigratorDeployment " + holder + "; any other MigratorDeployment of this environment is not"
                + " acted on."))
        .orElseGet(() -> DesiredCondition.isFalse(ConditionTypes.CLAIMED, Reasons.NOT_CLAIMED,
            "No MigratorDeployment manages this environment."));
    next.conditions = Conditions.merge(prior == null ? null : prior.conditions, List.of(claimed), generation, now);
    next.ledger = ledger.isEmpty() ? null : Histories.toLedger(ledger, now);
    return next;
  }
}
