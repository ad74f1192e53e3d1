package gov.cms.bfd.migrator.operator.api;

/** Whether purging the evidence of a failed run needs a person's approval. */
public enum AfterFailure {
  Approve, Auto
}
