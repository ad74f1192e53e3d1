package gov.cms.bfd.migrator.operator.api;

/** The runbook's failure modes, plus None. */
public enum FailureMode {
  None, UndeployableState, InvalidAppConfiguration, MigrationFailed, ValidationFailed, UnhandledException
}
