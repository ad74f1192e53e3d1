package gov.cms.bfd.migrator.operator.model;

/** The three values a condition's status takes. */
public enum ConditionStatus {
  True, False, Unknown
}
