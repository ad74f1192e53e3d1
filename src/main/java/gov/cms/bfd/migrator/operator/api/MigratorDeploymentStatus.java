package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.ArrayList;
import java.util.List;

/** What the operator last saw, concluded, planned and did for one environment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigratorDeploymentStatus {

  @Default("-1")
  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, Reconciling, Stalled, QueueEmpty, InstanceAbsent, MigrationSucceeded, Deployable.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The runbook failure mode the environment is in.")
  public FailureMode failureMode;

  @JsonPropertyDescription("The runbook section that applies and its next steps with real names filled in.")
  public RunbookGuidance runbook;

  @JsonPropertyDescription("What is known of the most recent migrator run.")
  public LastRun lastRun;

  @JsonPropertyDescription("The queue as last observed.")
  public QueueStatus queue;

  @JsonPropertyDescription("Migrator instances found by spec.instance.tags.")
  public List<InstanceStatus> instances;

  @JsonPropertyDescription("Checks and log excerpts gathered for the failure mode.")
  public Diagnostics diagnostics;

  @JsonPropertyDescription("What the operator would do or does next, each with its state.")
  public List<PlannedAction> plannedActions;

  @JsonPropertyDescription("Changes whenever the planned actions, their targets or the evidence change; approve this value.")
  public String planFingerprint;

  @JsonPropertyDescription("Actions taken, newest first (bounded).")
  public List<HistoryEntry> history;
}
