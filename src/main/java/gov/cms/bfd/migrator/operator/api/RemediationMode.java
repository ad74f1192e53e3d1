package gov.cms.bfd.migrator.operator.api;

/** How freely the operator acts. */
public enum RemediationMode {
  Auto, Observe, Approve
}
