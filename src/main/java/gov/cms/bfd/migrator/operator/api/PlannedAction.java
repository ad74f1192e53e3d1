package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One repair the operator would make, with its target and whether it may run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlannedAction {
  public ActionType action;
  public String target;
  public String reason;
  public ActionState state;
  public String blockedBy;
}
