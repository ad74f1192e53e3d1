package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One repair the operator would make, with its target and whether it may run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlannedAction {
  @JsonPropertyDescription("PurgeQueue, StopService or TerminateInstance.")
  public ActionType action;
  @JsonPropertyDescription("What it acts on: the queue URL, instance-id/unit, or the instance id.")
  public String target;
  @JsonPropertyDescription("Why the diagnosis calls for it.")
  public String reason;
  @JsonPropertyDescription("Ready (runs next), AwaitingApproval, Blocked (see blockedBy) or ObserveOnly.")
  public ActionState state;
  @JsonPropertyDescription("What holds it, and what moves it on.")
  public String blockedBy;
}
