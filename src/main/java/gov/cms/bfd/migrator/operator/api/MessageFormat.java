package gov.cms.bfd.migrator.operator.api;

/** The two message formats the migrator has sent, and anything else. */
public enum MessageFormat {
  Native, Monitor, Unrecognized
}
