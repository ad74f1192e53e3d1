package gov.cms.bfd.migrator.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One action taken (or intended and not yet verified), with the evidence kept before it ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {
  public String time;
  public ActionType action;
  public String target;
  public ActionOutcome outcome;
  public String approvedBy;
  public String planFingerprint;
  /** What happened: the AWS answer, the SSM command id, how the outcome was verified. */
  public String detail;
  /** What identifies the call for its verification, e.g. the SSM command id. */
  public String reference;
  public List<String> evidence;
}
