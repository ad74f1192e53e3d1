package gov.cms.bfd.migrator.operator.aws;

import gov.cms.bfd.migrator.operator.observe.AwsCallException;
import gov.cms.bfd.migrator.operator.observe.AwsFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns the SDK's exceptions into {@link AwsFailure}s: access denied, or something a retry may fix. */
public final class AwsErrors {

  private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "UnauthorizedOperation", "AuthorizationError", "AuthorizationErrorException", "NotAuthorized",
      "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch");

  /**
   * SSM's answer to a SendCommand for an instance it does not manage (no registered agent, not running, not there):
   * not an outage; a person reaches the instance over SSH.
   */
  static final String INVALID_INSTANCE_ID = "InvalidInstanceId";

  /** Error codes that answer "it does not exist" (QueueDoesNotExist, ParameterNotFound, ...). */
  private static final Set<String> NOT_FOUND = Set.of("NonExistentQueue", "QueueDoesNotExist", "NotFound",
      "InvocationDoesNotExist");

  private AwsErrors() {}

  /** Runs one SDK call; an SDK failure comes out as an {@link AwsCallException} naming service and operation. */
  public static <T> T call(String service, String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw new AwsCallException(failure(service, operation, e), e);
    }
  }

  /** The typed failure for an exception thrown by an SDK call. */
  public static AwsFailure failure(String service, String operation, Throwable error) {
    AwsServiceException serviceError = serviceError(error);
    if (serviceError != null) {
      String code = serviceError.awsErrorDetails() == null ? null : serviceError.awsErrorDetails().errorCode();
      String message = serviceError.awsErrorDetails() == null ? serviceError.getMessage()
          : serviceError.awsErrorDetails().errorMessage();
      String detail = (code == null ? "HTTP " + serviceError.statusCode() : code) + (message == null ? "" : ": " + message);
      if (deniedCode(code)) {
        return new AwsFailure(service, operation, AwsFailure.Kind.ACCESS_DENIED, detail);
      }
      if (INVALID_INSTANCE_ID.equals(code)) {
        return new AwsFailure(service, operation, AwsFailure.Kind.NOT_MANAGED, detail);
      }
      return new AwsFailure(service, operation, AwsFailure.Kind.UNAVAILABLE, detail);
    }
    String detail = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    return new AwsFailure(service, operation, AwsFailure.Kind.UNAVAILABLE, detail);
  }

  /**
   * Whether a call got no answer at all: it timed out, or the connection broke after the request went out.
   * AWS may have acted on such a call. An error answer, a refused connection or an unknown host is an answer:
   * nothing was done.
   */
  public static boolean unanswered(Throwable error) {
    if (serviceError(error) != null) {
      return false;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return false;
      }
      if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** A short word for metrics: not_found answers a question; the others are failures by kind. */
  public static String outcome(Throwable error) {
    AwsServiceException serviceError = serviceError(error);
    if (serviceError == null) {
      return "unavailable";
    }
    String code = serviceError.awsErrorDetails() == null ? null : serviceError.awsErrorDetails().errorCode();
    if (deniedCode(code)) {
      return "access_denied";
    }
    if (INVALID_INSTANCE_ID.equals(code)) {
      return "not_managed";
    }
    if (code != null && NOT_FOUND.stream().anyMatch(code::contains)) {
      return "not_found";
    }
    if (serviceError.isThrottlingException()) {
      return "throttled";
    }
    if (serviceError.statusCode() >= 500) {
      return "server_error";
    }
    return "client_error";
  }

  /**
   * Whether an error code says only a person can help: a permission the role lacks, or a KMS key behind an encrypted
   * queue that the role may not use or that is disabled, pending deletion or missing (SQS answers KmsAccessDenied,
   * KmsDisabled, KmsInvalidState, KmsNotFound, ... and, in its older protocol, KMS.AccessDeniedException,
   * KMS.DisabledException, ...). KMS throttling is the exception: waiting helps.
   */
  static boolean deniedCode(String code) {
    if (code == null) {
      return false;
    }
    if (ACCESS_DENIED.contains(code)) {
      return true;
    }
    boolean kms = code.startsWith("Kms") || code.startsWith("KMS.") || code.startsWith("KMS_");
    return kms && !code.contains("Throttl");
  }

  private static AwsServiceException serviceError(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AwsServiceException e) {
        return e;
      }
    }
    return null;
  }
}
