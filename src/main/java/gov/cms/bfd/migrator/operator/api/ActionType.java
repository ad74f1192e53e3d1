package gov.cms.bfd.migrator.operator.api;

/** The repairs the operator knows. */
public enum ActionType {
  PurgeQueue, StopService, TerminateInstance
}
