package gov.cms.bfd.migrator.operator.api;

/** Whether a planned action may run now. */
public enum ActionState {
  Ready, AwaitingApproval, Blocked, ObserveOnly
}
