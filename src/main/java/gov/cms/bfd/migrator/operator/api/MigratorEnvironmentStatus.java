package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Written by the operator only: which MigratorDeployment manages the environment, and the ledger of what the
 * operator did to it in AWS (intents, outcomes, SSM command ids, purge times, approvals used; newest first,
 * bounded). The safety rules read this ledger, never a namespaced status that its users could edit or delete.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigratorEnvironmentStatus {

  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("namespace/name of the one MigratorDeployment that manages this environment.")
  public String claimedBy;

  @JsonPropertyDescription("Claimed: whether a MigratorDeployment manages this environment.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("What the operator did to this environment in AWS, newest first (bounded): the record of"
      + " intents, outcomes, purge times and approvals used that every safety rule reads.")
  public List<HistoryEntry> ledger;
}
