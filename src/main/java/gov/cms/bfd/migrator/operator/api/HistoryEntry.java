package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One action taken (or intended and not yet verified), with the evidence kept before it ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  @JsonPropertyDescription("When the intent was recorded, before the call (RFC 3339).")
  public String time;
  @JsonPropertyDescription("PurgeQueue, StopService or TerminateInstance.")
  public ActionType action;
  @JsonPropertyDescription("What it acted on.")
  public String target;
  @JsonPropertyDescription("Pending until verified by observation, then Succeeded, Failed or Inconclusive.")
  public ActionOutcome outcome;
  @JsonPropertyDescription("Who approved it, when it needed an approval.")
  public String approvedBy;
  @JsonPropertyDescription("The plan it carried out.")
  public String planFingerprint;
  /** What happened: the AWS answer, the SSM command id, how the outcome was verified. */
  @JsonPropertyDescription("What happened: AWS's answer, the SSM command id, how the outcome was verified.")
  public String detail;
  /** What identifies the call for its verification, e.g. the SSM command id. */
  @JsonPropertyDescription("What identifies the call for its verification, e.g. the SSM command id.")
  public String reference;
  @JsonPropertyDescription("When the AWS call returned or gave up (RFC 3339): AWS had received it by then, and a"
      + " purge's 60-second window is counted from it.")
  public String answeredAt;
  @JsonPropertyDescription("The messages it removed or the run it ended, kept before it ran (S2).")
  public List<String> evidence;
  @JsonPropertyDescription("The last run as the operator knew it when it acted (status.lastRun then): after a purge or a"
      + " termination removed its evidence, status.lastRun and MigrationSucceeded keep telling it until a newer run"
      + " appears (S12). A MigratorDeployment's status.history leaves it out while it is that resource's"
      + " status.lastRun; the ledger keeps it.")
  public LastRun run;
}
