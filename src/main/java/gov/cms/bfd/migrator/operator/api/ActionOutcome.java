package gov.cms.bfd.migrator.operator.api;

/** How an action ended; Pending is an intent recorded before the AWS call and not yet verified. */
public enum ActionOutcome {
  Pending, Succeeded, Failed, Inconclusive
}
