package gov.cms.bfd.migrator.operator.observe;

/** An AWS call that failed, as the ports report it: the typed failure, never the SDK's exception. */
public class AwsCallException extends RuntimeException {
  private final AwsFailure failure;

  public AwsCallException(AwsFailure failure, Throwable cause) {
    super(failure.describe(), cause);
    this.failure = failure;
  }

  public AwsFailure failure() {
    return failure;
  }
}
