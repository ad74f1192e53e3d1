package gov.cms.bfd.migrator.operator.model;

/** A spec the operator cannot work with; only a person can fix it (Stalled=True). */
public class InvalidSpecException extends RuntimeException {
  private final String field;

  public InvalidSpecException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
