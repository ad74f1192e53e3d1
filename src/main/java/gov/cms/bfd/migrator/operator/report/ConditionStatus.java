package gov.cms.bfd.migrator.operator.report;

/** The three values a condition's status takes. */
public enum ConditionStatus {
  True, False, Unknown
}
