package gov.cms.bfd.migrator.operator.api;

/** Where an exit status was read. */
public enum ExitStatusSource {
  SqsMessage, Systemd, Log
}
